import Foundation
import FrameGrab

/// Whether a file is a whole image of a format, judged by its first and last bytes (`--skip-existing`):
/// a file cut short by a crash or a full disk does not count.
enum CompleteImage {
    static func exists(at path: String, format: ImageFormat) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= 12, (try? handle.seek(toOffset: 0)) != nil,
              let head = try? handle.read(upToCount: 12) else { return false }
        switch format {
        case .png:
            // The signature, and an IEND chunk at the very end.
            guard size >= 8 + 12 + 12, head.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
                  (try? handle.seek(toOffset: size - 12)) != nil, let tail = try? handle.read(upToCount: 12) else { return false }
            return tail == Data([0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        case .jpeg:
            // Start of image first, end of image last.
            guard head.prefix(2) == Data([0xFF, 0xD8]), (try? handle.seek(toOffset: size - 2)) != nil,
                  let tail = try? handle.read(upToCount: 2) else { return false }
            return tail == Data([0xFF, 0xD9])
        case .webp:
            // RIFF, the size it declares (the file's, less 8), WEBP.
            let bytes = [UInt8](head)
            let declared = UInt64(bytes[4]) | UInt64(bytes[5]) << 8 | UInt64(bytes[6]) << 16 | UInt64(bytes[7]) << 24
            return bytes[0..<4] == [0x52, 0x49, 0x46, 0x46] && bytes[8..<12] == [0x57, 0x45, 0x42, 0x50] && declared + 8 == size
        }
    }
}
