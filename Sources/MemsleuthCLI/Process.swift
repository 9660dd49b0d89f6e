#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// The executable's entry: real arguments, real stdout/stderr, real sleep,
/// SIGINT stopping a refreshing view between frames.
public enum Process {
    /// `root` is the command tree to parse with (`memsleuth-history` passes
    /// its own); `fastPath` recognises the one-shot views first.
    public static func main(root: any ParsableCommand.Type = Memsleuth.self, fastPath: Bool = true) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var context = CommandContext(
            environment: .live(),
            out: .fileDescriptor(STDOUT_FILENO),
            err: .fileDescriptor(STDERR_FILENO),
            sleep: { seconds in
                var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
                var remaining = timespec()
                while nanosleep(&request, &remaining) != 0 && errno == EINTR && !InterruptFlag.isSet {
                    request = remaining
                }
            },
            shouldStop: { InterruptFlag.isSet },
            catchInterrupts: { InterruptFlag.install() })
        context.mayExec = true
        let arguments = Array(CommandLine.arguments.dropFirst())
        if fastPath {
            if let code = FastPath.run(arguments, context: context) { return code }
            // The store's commands run in their own executable: exec it before
            // argument-parser, so `--help` after them is theirs too.
            if let first = arguments.first, let sibling = HistoryForwarding.executable(for: first) {
                let failure = HistoryForwarding.exec(arguments, executable: sibling)
                context.err.write("memsleuth: \(failure.message)\n")
                return failure.exitCode
            }
        }
        return Invocation.run(arguments, context: context, root: root)
    }
}

/// Set by SIGINT/SIGTERM while a refreshing view runs, so it can restore the
/// terminal and exit 0 instead of dying mid-frame.
enum InterruptFlag {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    static var isSet: Bool { flag != 0 }

    static func install() {
        signal(SIGINT) { _ in InterruptFlag.flag = 1 }
        signal(SIGTERM) { _ in InterruptFlag.flag = 1 }
        // A parent may hand us these signals blocked (the Swift test runner
        // does, some supervisors do): unblock them, or the handler never runs
        // and a refreshing view could only be killed with SIGKILL.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}
