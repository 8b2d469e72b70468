#if canImport(Glibc)
import Glibc
#endif

/// Process signals handled synchronously: they are blocked in every thread (threads
/// inherit the mask, so block before starting loops) and the main thread waits for them.
public enum ProcessSignal: Sendable {
    case terminate   // SIGTERM, SIGINT
    case reload      // SIGHUP

    static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and threads it starts later.
    public static func blockHandledSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in handled { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for the next handled signal.
    public static func wait() -> ProcessSignal {
        var set = sigset_t()
        sigemptyset(&set)
        for s in handled { sigaddset(&set, s) }
        while true {
            var sig: Int32 = 0
            if sigwait(&set, &sig) == 0 {
                return sig == SIGHUP ? .reload : .terminate
            }
        }
    }
}
