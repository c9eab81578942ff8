import CEditLine
import CSupport
import TxLanguage
#if canImport(Glibc)
import Glibc
#endif

/// The interactive prompt on a terminal: libedit for line editing, history
/// and completion; a `ReplSession` for everything else.
public struct REPL {
    let session: ReplSession

    public init(interpreter: Interpreter) { session = ReplSession(interpreter: interpreter) }

    /// `$TX_HISTORY`, else `~/.tx_history`.
    static var historyPath: String? {
        if let p = FileSystem.environment("TX_HISTORY"), !p.isEmpty { return p }
        return FileSystem.environment("HOME").map { FileSystem.join($0, ".tx_history") }
    }

    /// Runs until Ctrl-D on an empty line or `:quit`. Returns the exit status.
    public func run() -> Int32 {
        setlocale(LC_CTYPE, "")  // libedit needs a UTF-8 locale for multibyte input
        LineEditor.setUp(session)
        let history = REPL.historyPath
        if let history { _ = read_history(history) }
        print("tx \(txVersion) — :help for help, :quit to leave")
        var pending = ""
        while !session.wantsQuit {
            tx_clear_interrupt()
            let prompt = pending.isEmpty ? session.prompt : ReplSession.continuationPrompt
            guard let raw = readline(prompt) else {
                // libedit returns NULL for Ctrl-C and Ctrl-D alike; the flag tells them apart.
                if tx_interrupt_pending() != 0 {
                    tx_clear_interrupt()
                    pending = ""
                    print("")
                    continue
                }
                print("")
                break
            }
            let line = String(cString: raw)
            free(raw)
            if LineEditor.lineCancelled {
                // Ctrl-C while editing: drop the line (and any open block), fresh prompt.
                LineEditor.lineCancelled = false
                tx_clear_interrupt()
                pending = ""
                continue
            }
            pending = pending.isEmpty ? line : pending + "\n" + line
            if session.needsMoreInput(pending) { continue }
            let input = pending
            pending = ""
            if !input.trimmingLeadingSpace().isEmpty {
                add_history(input)
                if let history {
                    _ = write_history(history)
                    _ = history_truncate_file(history, 10_000)
                }
            }
            session.execute(input)
            fflush(stdout)
        }
        return 0
    }
}

/// The libedit glue: key bindings and the C completion callbacks, which
/// reach the session through a global (C callbacks carry no context).
enum LineEditor {
    nonisolated(unsafe) static var session: ReplSession?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var nextMatch = 0
    nonisolated(unsafe) static var wordBreaks: UnsafeMutablePointer<CChar>? = strdup(" \t\n\"'`@$><=;|&{(,[+-*/%")

    /// Set when Ctrl-C ended the line being edited.
    nonisolated(unsafe) static var lineCancelled = false

    static func setUp(_ s: ReplSession) {
        session = s
        rl_readline_name = UnsafePointer(strdup("tx"))
        rl_catch_signals = 0
        // Our own byte reader: a read interrupted by Ctrl-C (EINTR with the
        // flag set) ends the line as if Enter were pressed, marked cancelled.
        rl_getc_function = { _ in
            var byte: UInt8 = 0
            while true {
                // poll() is never restarted after a signal, unlike read(), so
                // Ctrl-C is seen at once whoever installed the handler.
                if tx_interrupt_pending() != 0 {
                    LineEditor.lineCancelled = true
                    return 10  // '\n'
                }
                var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
                let ready = poll(&fd, 1, 200)
                if ready == 0 || (ready < 0 && errno == EINTR) { continue }
                let n = read(0, &byte, 1)
                if n == 1 && byte == 3 {  // Ctrl-C arriving as a byte (terminal without ISIG)
                    LineEditor.lineCancelled = true
                    return 10
                }
                if n == 1 && byte >= 0xC0 {
                    // A UTF-8 sequence: hand libedit the whole code point.
                    let extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : 1
                    var scalar = UInt32(byte) & (byte >= 0xF0 ? 0x07 : byte >= 0xE0 ? 0x0F : 0x1F)
                    for _ in 0..<extra {
                        var next: UInt8 = 0
                        guard read(0, &next, 1) == 1 else { return -1 }
                        scalar = scalar << 6 | UInt32(next & 0x3F)
                    }
                    return Int32(bitPattern: scalar)
                }
                if n == 1 { return Int32(byte) }
                if n < 0 && errno == EINTR { continue }
                return -1  // EOF
            }
        }
        rl_initialize()
        rl_completer_word_break_characters = wordBreaks
        rl_attempted_completion_function = { text, start, end in LineEditor.complete(text) }
        // Up/Down search history for lines starting with what is typed; Ctrl-R searches incrementally.
        for binding in ["bind ^[[A ed-search-prev-history", "bind ^[[B ed-search-next-history",
                        "bind ^[OA ed-search-prev-history", "bind ^[OB ed-search-next-history",
                        "bind ^R em-inc-search-prev", "bind ^I rl_complete"] {
            _ = rl_parse_and_bind(binding)
        }
    }

    static func complete(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        rl_completion_append_character = 0
        guard let text, let session = LineEditor.session else { return nil }
        let word = String(cString: text)
        var prefix = ""
        if let buffer = rl_line_buffer {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                            count: Int(max(0, rl_point)))
            prefix = String(decoding: bytes, as: UTF8.self)
        }
        guard let found = session.completions(linePrefix: prefix, word: word) else {
            return rl_completion_matches(text, rl_filename_completion_function)
        }
        LineEditor.matches = found
        LineEditor.nextMatch = 0
        return rl_completion_matches(text, { _, state in
            if state == 0 { LineEditor.nextMatch = 0 }
            guard LineEditor.nextMatch < LineEditor.matches.count else { return nil }
            defer { LineEditor.nextMatch += 1 }
            return strdup(LineEditor.matches[LineEditor.nextMatch])
        })
    }
}
