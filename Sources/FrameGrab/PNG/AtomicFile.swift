import Foundation

/// Writes files so that the final name only ever holds a complete file.
package enum AtomicFile {
    /// A failed write, with the system's reason (for example "No space left on device").
    package struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The file that was being written (its final name, not the temporary file).
        package let path: String
        /// The system error number (`errno`) of the call that failed.
        package let errno: Int32
        /// The step that failed: `creating a temporary file`, `writing`, `setting permissions`, `closing` or
        /// `renaming into place`.
        package let operation: String
        /// The system's description of `errno` (`strerror`), for example "No space left on device".
        package var reason: String { String(cString: strerror(errno)) }
        /// `PATH: OPERATION failed: REASON`.
        package var description: String { "\(path): \(operation) failed: \(reason)" }
    }

    /// The process's umask, read once, so that files get the permissions a plain `open` would give them.
    private static let creationMask: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()

    /// Writes every byte to an open file descriptor, retrying after interruptions. Returns the errno of a
    /// failed write, or nil.
    @discardableResult
    package static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }

    /// Writes `bytes` to a temporary file beside `path`, flushes it, and renames it to `path`.
    /// The temporary file is removed if anything fails.
    package static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".XXXXXX.part").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
        if fd < 0 { throw WriteError(path: path, errno: errno, operation: "creating a temporary file") }
        let temporary = String(cBuffer: template)
        var failure = writeAll(bytes, to: fd).map { WriteError(path: path, errno: $0, operation: "writing") }
        if failure == nil, fchmod(fd, 0o666 & ~creationMask) != 0 { failure = WriteError(path: path, errno: errno, operation: "setting permissions") }
        if close(fd) != 0, failure == nil { failure = WriteError(path: path, errno: errno, operation: "closing") }
        if failure == nil, rename(temporary, path) != 0 { failure = WriteError(path: path, errno: errno, operation: "renaming into place") }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }
}
