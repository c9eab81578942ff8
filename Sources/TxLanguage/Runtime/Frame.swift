/// What a running node sees of its call: the slots of its variables, the
/// frame its closure was made in (for variables of enclosing functions), and
/// its own heap frame when it has one (so closures made here can keep it).
///
/// Functions that create no closures keep their slots on the interpreter's
/// value stack — no allocation per call; the others get a heap `Frame`.
/// References are unowned: the caller keeps frame and closure alive.
struct Env {
    let slots: UnsafeMutablePointer<Value>
    unowned(unsafe) let parent: Frame?
    unowned(unsafe) let frame: Frame?

    /// The frame of the function `hops` (≥ 1) levels out.
    @inline(__always) func ancestor(_ hops: Int) -> Frame {
        parent!.ancestor(hops - 1)  // the compiler counted the hops
    }
}

/// Header of a `Frame`: its slot count and the frame it closes over.
struct FrameHeader {
    let count: Int
    let parent: Frame?
}

/// The local variables of one function call, in slots the compiler chose,
/// allocated together with the frame object (one allocation per call).
/// Closures keep their defining frame alive (`parent`), which is how they
/// see — and can assign — the variables of the functions around them.
final class Frame: ManagedBuffer<FrameHeader, Value> {
    /// A frame with `count` slots, all nil.
    static func make(count: Int, parent: Frame?) -> Frame {
        let buffer = Frame.create(minimumCapacity: count) { _ in FrameHeader(count: count, parent: parent) }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: count) }
        return frame
    }

    deinit {
        _ = withUnsafeMutablePointers { header, slots in slots.deinitialize(count: header.pointee.count) }
    }

    /// Pointer to slot 0 (valid while the frame lives).
    @inline(__always) var slots: UnsafeMutablePointer<Value> {
        withUnsafeMutablePointerToElements { $0 }
    }

    var parent: Frame? { header.parent }

    /// The frame `hops` levels out.
    @inline(__always) func ancestor(_ hops: Int) -> Frame {
        var f = self
        for _ in 0..<hops { f = f.header.parent! }  // the compiler counted the hops
        return f
    }
}

/// A module's top-level variables: a growable table of slots with names.
/// The REPL session is one module; every `import` makes another.
public final class Module {
    public let name: String
    let file: SourceFile?
    var values: [Value] = []
    var defined: [Bool] = []
    /// Visible names → slots (hidden block-scoped slots have no name here).
    var names: [String: Int] = [:]
    /// Names in the order they were first defined, for `:vars`.
    var order: [String] = []
    /// Slots reserved for names read before any top-level definition (a
    /// function calling one defined further down). Not visible to
    /// assignments until the module itself defines the name.
    var forward: [String: Int] = [:]

    init(name: String, file: SourceFile?) { self.name = name; self.file = file }

    func slot(for name: String) -> Int {
        if let i = names[name] { return i }
        let i = forward.removeValue(forKey: name) ?? newSlot()
        names[name] = i
        order.append(name)
        return i
    }

    /// The slot a forward reference reads (shared with the later definition).
    func forwardSlot(for name: String) -> Int {
        if let i = names[name] ?? forward[name] { return i }
        let i = newSlot()
        forward[name] = i
        return i
    }

    func newSlot() -> Int {
        values.append(.nil)
        defined.append(false)
        return values.count - 1
    }

    /// The value of a defined top-level name.
    public func value(of name: String) -> Value? {
        guard let i = names[name], defined[i] else { return nil }
        return values[i]
    }

    /// Defined top-level names, in definition order.
    public var definedNames: [String] { order.filter { names[$0].map { defined[$0] } ?? false } }

    /// Sets a top-level name (creating it).
    public func set(_ name: String, _ value: Value) {
        let i = slot(for: name)
        values[i] = value
        defined[i] = true
    }
}
