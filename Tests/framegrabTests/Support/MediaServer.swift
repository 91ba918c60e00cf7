import Foundation
import TestSupport

/// `scripts/serve-test-media` on 127.0.0.1, serving a folder for the length of a test: range requests,
/// redirects, error statuses, a server that stalls or cuts a body short, basic authentication, and a count
/// of the bytes it sent. Killed in `deinit` (SIGTERM, `terminate()`, was seen to leave it running when
/// started from the test process); it also ends by itself when its stdin closes.
final class MediaServer {
    let port: Int
    private let process: Process
    private let stdin = Pipe()

    init(root: URL) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = Fixtures.folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/serve-test-media")
        process.arguments = ["python3", script.path, root.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        // The server ends when this pipe closes: in deinit, or when the test process dies.
        process.standardInput = stdin
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += byte
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("PORT "),
              let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "serve-test-media did not start: \(String(decoding: line, as: UTF8.self))"])
        }
        self.port = port
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `http://127.0.0.1:PORT/` + `path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Bytes sent since the last `reset()`, and the requests made (`/clip.mp4 bytes=1000-`).
    func stats() throws -> (sent: Int, requests: [String]) {
        let object = try JSONSerialization.jsonObject(with: get("/_stats")) as? [String: Any] ?? [:]
        return (object["sent"] as? Int ?? -1, object["requests"] as? [String] ?? [])
    }

    func reset() throws { _ = try get("/_reset") }

    /// The body of a plain HTTP/1.0 GET of the server's own `path` (no networking library needed).
    private func get(_ path: String) throws -> Data {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(socket, request, request.count, 0) == request.count else { throw POSIXError(.EIO) }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { throw POSIXError(.EIO) }
        return response[split.upperBound...]
    }
}
