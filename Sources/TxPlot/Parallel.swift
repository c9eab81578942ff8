import Dispatch
import Glibc

/// Work split over the machine's cores; callers make each task write
/// disjoint memory in a fixed order, so results don't depend on the split.
enum Parallel {
    /// Online cores, at most 8 (a figure's few hundred rows split no finer).
    static let threads: Int = max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    static func run(_ tasks: Int, _ body: (Int) -> Void) {
        if tasks <= 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: tasks, execute: body)
    }
}
