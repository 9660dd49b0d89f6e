#if canImport(Glibc)
import Glibc
#endif

/// Where a command's text goes: the process's stdout/stderr, or a string a
/// test reads afterwards. Commands never call `print`.
public final class OutputSink {
    private let sink: (String) -> Void

    public init(_ sink: @escaping (String) -> Void) { self.sink = sink }

    public func write(_ text: String) { sink(text) }

    /// Writes straight to a file descriptor, in one write(2) per call so a
    /// refreshing view never shows half a frame.
    public static func fileDescriptor(_ fd: Int32) -> OutputSink {
        OutputSink { text in
            var text = text
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return  // EPIPE (| head) or a closed stdout: nothing more to say
                    }
                    offset += n
                }
            }
        }
    }
}

/// Collects what a command writes; for tests and in-process callers.
public final class CapturedText {
    public private(set) var text = ""
    public init() {}
    public lazy var sink: OutputSink = OutputSink { [unowned self] in self.text += $0 }
}
