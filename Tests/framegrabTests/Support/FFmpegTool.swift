import Foundation
import Testing

/// The `ffmpeg` command (installed by scripts/bootstrap), for making test images and computing reference metrics.
enum FFmpegTool {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Runs a program found on the PATH (stdout discarded) and returns its exit status and stderr.
    static func stderrOf(_ command: [String], in directory: URL? = nil) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let directory { process.currentDirectoryURL = directory }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Runs `ffmpeg -nostdin -hide_banner arguments…` in `directory` and returns its stderr.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> String {
        let (status, text) = try stderrOf(["ffmpeg", "-nostdin", "-hide_banner"] + arguments, in: directory)
        guard status == 0 else {
            throw Failure(description: "ffmpeg \(arguments.joined(separator: " ")) failed (\(status)):\n\(text)")
        }
        return text
    }

    /// ffmpeg's PSNR ("average", dB) and SSIM ("All") of two images, both converted to rgb24 first (ffmpeg's
    /// filters then see them as planar GBR: one value per colour channel, averaged with equal weights).
    static func metrics(_ a: String, _ b: String, in directory: URL) throws -> (psnr: Double, ssim: Double) {
        func value(_ filter: String, _ key: String) throws -> Double {
            let log = try run(["-i", a, "-i", b, "-lavfi", "[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]\(filter)", "-f", "null", "-"], in: directory)
            guard let range = log.range(of: "\(key):[0-9.inf]+", options: .regularExpression),
                  let number = Double(log[range].dropFirst(key.count + 1)) else {
                throw Failure(description: "no \(key) in ffmpeg's \(filter) output:\n\(log)")
            }
            return number
        }
        return (try value("psnr", "average"), try value("ssim", "All"))
    }
}
