import Foundation
import FrameGrab

/// An output already there, complete (`--skip-existing` of `sheet` and `storyboard`). Said only in JSON.
package struct OutputSkipRecord: ReportRecord {
    package let input: String
    package let path: String

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("path", .string(path)), .init("skipped", .bool(true))])
    }
    package var plain: PlainLine { .silent }
}

/// A contact sheet written: its size and where each tile's picture is on it (the picture alone: captions
/// lie outside the rectangle).
package struct SheetRecord: ReportRecord {
    package struct Tile: Sendable {
        package enum Outcome: Sendable {
            case success(actual: MediaTime, rect: PixelRect, blank: BlankFrameCheck? = nil)
            case failure(FrameGrabError)
        }
        package let index: Int
        package let requested: MediaTime
        package let outcome: Outcome
        /// The shot a `--shots` tile stands for.
        package var shot: Shot? = nil
    }

    package let input: String
    package let path: String
    package let width: Int
    package let height: Int
    package let tiles: [Tile]

    package var json: JSONValue {
        let tiles = tiles.map { tile -> JSONValue in
            var fields: [JSONValue.Field] = [.init("index", .int(tile.index)), .init("requested", seconds(tile.requested))]
            switch tile.outcome {
            case .success(let actual, let rect, let blank):
                fields += [.init("actual", seconds(actual)), .init("x", .int(rect.x)), .init("y", .int(rect.y)),
                           .init("width", .int(rect.width)), .init("height", .int(rect.height))] + blankFields(blank) + shotFields(tile.shot)
            case .failure(let error):
                fields += [.init("error", .string(error.message)), .init("code", .string(error.code.rawValue))]
            }
            return .object(fields)
        }
        return .object([.init("input", .string(input)), .init("path", .string(path)), .init("width", .int(width)),
                        .init("height", .int(height)), .init("tiles", .array(tiles))])
    }
    package var plain: PlainLine { .result(path) }
}

/// A storyboard written: its VTT, its sprites in order, how many cues, and the size of a cell.
package struct StoryboardRecord: ReportRecord {
    package let input: String
    package let vtt: String
    package let sprites: [String]
    package let cues: Int
    package let cell: PixelSize

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("vtt", .string(vtt)), .init("sprites", .array(sprites.map(JSONValue.string))),
                 .init("cues", .int(cues)), .init("cellWidth", .int(cell.width)), .init("cellHeight", .int(cell.height))])
    }
    package var plain: PlainLine { .result(vtt) }
}
