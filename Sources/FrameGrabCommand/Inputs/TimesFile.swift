import Foundation
import FrameGrab

/// A usage error found while running (a times file that cannot be read or parsed): the command prints it
/// with the usage and exits with status 64.
package struct UsageError: Error, Sendable {
    package let message: String
    package init(_ message: String) { self.message = message }
}

/// `--times-file`: a list of times, one per line.
package enum TimesFile {
    /// The times listed in a file (`-`: standard input); a usage error names the file and line.
    package static func read(_ path: String) throws(UsageError) -> [TimeSpecification] {
        let name = path == "-" ? "<stdin>" : path
        let data = try contents(of: path, what: "times file")
        do {
            return try TimeSelection.parseTimesFile(String(decoding: data, as: UTF8.self), name: name)
        } catch {
            throw UsageError("\(error)")
        }
    }

    /// Everything a list file (`what`: "times file", "input list") holds, whatever kind it is: a regular file,
    /// a named pipe, the `/dev/fd/N` of a process substitution `<(…)`, a device; `-` is standard input.
    /// (Inputs are refused unless regular; a list is not.)
    static func contents(of path: String, what: String) throws(UsageError) -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        func failure() -> UsageError {
            UsageError("Cannot read the \(what) \(path): \(String(cString: strerror(errno))).")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw failure() }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }
}
