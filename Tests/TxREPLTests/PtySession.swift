import CSupport
import Foundation

/// Drives `tx` through a real pseudo-terminal, as a person at a keyboard would.
final class PtySession {
    let pid: pid_t
    let master: Int32
    private(set) var transcript = ""
    /// Where the next `expect` starts looking: just past the last match.
    private var cursor: String.Index?

    init(binary: String, arguments: [String] = [], environment: [String: String]) throws {
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["TX_PREVIEW"] = nil  // tests that want previews off say so
        for (k, v) in environment { env[k] = v }
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var fd: Int32 = -1
        pid = tx_spawn_on_pty(binary, argv, envp, &fd)
        master = fd
        guard pid > 0, fd >= 0 else { throw PtyError.spawnFailed }
    }

    enum PtyError: Error, CustomStringConvertible {
        case spawnFailed, timeout(String, String)
        var description: String {
            switch self {
            case .spawnFailed: return "could not spawn tx on a pty"
            case .timeout(let wanted, let seen): return "timed out waiting for \(wanted.debugDescription); screen so far:\n\(seen)"
            }
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until `text` appears after the previous match; returns the text up to and including it.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let start = cursor ?? transcript.startIndex
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let found = transcript[start...].range(of: text) {
                cursor = found.upperBound
                return String(transcript[start..<found.upperBound])
            }
            guard Date() < deadline else { throw PtyError.timeout(text, transcript) }
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 100) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buffer, buffer.count)
                if n > 0 { transcript += String(decoding: buffer[0..<n], as: UTF8.self) }
                else if n <= 0 { usleep(10_000) }
            }
        }
    }

    /// Waits for the process to exit and returns its exit status (-1 on a signal or timeout).
    func waitForExit(timeout: TimeInterval = 20) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            // Keep draining output so the child never blocks on a full pty.
            var buffer = [UInt8](repeating: 0, count: 4096)
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 50) > 0 {
                let n = read(master, &buffer, buffer.count)
                if n > 0 { transcript += String(decoding: buffer[0..<n], as: UTF8.self) }
            }
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1000 - (status & 0x7f)
            }
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return -1
    }

    deinit {
        close(master)
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        }
    }
}
