#if canImport(Glibc)
import Glibc
#endif

/// The executable's entry: real arguments, real stdout/stderr, real sleep,
/// SIGINT stopping a refreshing view between frames.
public enum Process {
    public static func main() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let context = CommandContext(
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
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let code = FastPath.run(arguments, context: context) { return code }
        return Invocation.run(arguments, context: context)
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
