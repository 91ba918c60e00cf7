import Foundation

/// The video the shot tests build (`scripts/make-shot-videos`, with ffmpeg): clips joined with hard cuts,
/// a black opening, a white flash, a cross-dissolve, a pan, and a fade to black and back.
public enum ShotVideos {
    /// The frames where shots start (the script's header says what is where).
    public static let starts = [0, 60, 110, 210, 296, 360]
    /// The cross-dissolve's frames: one transition, so at most one shot may start inside it.
    public static let dissolve = 160..<185
    /// The white flash: not a cut.
    public static let flash = 85
    public static let frameRate = 25
    public static let frameCount = 410

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// The video's path at 320x180, made once per test process into a temporary folder.
    public static let path = make(size: "320x180")
    /// The same at 1280x720, where the clips' textures are finer than the measure's grid.
    public static let largePath = make(size: "1280x720")

    private static func make(size: String) -> Result<String, Failure> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-shot-videos-\(getpid())-\(size)")
        let script = Fixtures.folder.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/make-shot-videos")
        let process = Process()
        process.executableURL = script
        process.arguments = [folder.path, size]
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { return .failure(Failure(description: "cannot run \(script.path): \(error)")) }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "\(script.path) failed (\(process.terminationStatus)): \(text)"))
        }
        return .success(folder.appendingPathComponent("shots.mp4").path)
    }

    /// Whether `starts` (frame numbers) are the expected ones, allowing one more inside the dissolve.
    public static func matches(_ found: [Int]) -> Bool {
        let outside = found.filter { !dissolve.contains($0) }
        return outside == starts && found.count - outside.count <= 1
    }
}
