import ArgumentParser
import FrameGrab

extension ApertureMode: ExpressibleByArgument {}
extension HDRPolicy: ExpressibleByArgument {}

extension OutputDepth: ExpressibleByArgument {
    public init?(argument: String) {
        guard let bits = Int(argument) else { return nil }
        self.init(rawValue: bits)
    }
}

/// `--png-compression`: a named level or a zlib level 0–9.
struct PNGCompression: ExpressibleByArgument {
    let level: Int
    init?(argument: String) {
        switch argument {
        case "fast": level = 1
        case "default": level = PNGOptions.default.compressionLevel
        case "best": level = 9
        default:
            guard let value = Int(argument), (0...9).contains(value) else { return nil }
            level = value
        }
    }
    static var allValueStrings: [String] { ["fast", "default", "best", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] }
}

extension PNGOptions.Filter: ExpressibleByArgument {}
extension Shard: ExpressibleByArgument {}
