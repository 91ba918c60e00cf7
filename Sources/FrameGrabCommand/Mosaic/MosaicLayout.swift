import Foundation
import FrameGrab
import TextRendering

/// A rectangle of pixels.
package struct PixelRect: Sendable, Equatable {
    package var x: Int, y: Int, width: Int, height: Int

    /// The part of this rectangle a picture of `size` centred on it covers.
    func centred(_ size: PixelSize) -> PixelRect {
        let width = min(size.width, self.width), height = min(size.height, self.height)
        return PixelRect(x: x + (self.width - width) / 2, y: y + (self.height - height) / 2, width: width, height: height)
    }
}

/// Where everything goes on a contact sheet: an optional header (file name, then duration, size, codec and
/// file size), then the tiles left to right and top to bottom, each with its time under it unless captions
/// are off.
struct SheetLayout: Sendable {
    static let padding = 10
    static let gap = 8

    let cell: PixelSize
    let count: Int
    let columns: Int
    let rows: Int
    let captionFont: Font?
    let headerFont: Font?
    let width: Int
    let height: Int

    init(cell: PixelSize, count: Int, columns: Int, timestamps: Bool, header: Bool) throws(TextRenderingError) {
        self.cell = cell
        self.count = count
        self.columns = max(1, min(columns, count))
        rows = max(1, (count + self.columns - 1) / self.columns)
        width = 2 * Self.padding + self.columns * cell.width + (self.columns - 1) * Self.gap
        captionFont = timestamps ? try Font.dejaVuSans(pixelHeight: min(20, max(10, cell.width / 16))) : nil
        headerFont = header ? try Font.dejaVuSans(pixelHeight: min(24, max(12, width / 50))) : nil
        let headerHeight = headerFont.map { 2 * $0.lineHeight + Self.padding / 2 + Self.padding } ?? 0
        let cellHeight = cell.height + (captionFont.map { $0.lineHeight + 4 } ?? 0)
        height = Self.padding + headerHeight + rows * cellHeight + (rows - 1) * Self.gap + Self.padding
    }

    /// A tile and its caption.
    var cellHeight: Int { cell.height + (captionFont.map { $0.lineHeight + 4 } ?? 0) }

    /// The top of the first row of tiles.
    var tilesTop: Int { Self.padding + (headerFont.map { 2 * $0.lineHeight + Self.padding / 2 + Self.padding } ?? 0) }

    /// The cell of tile `position` (from 0).
    func cellRect(_ position: Int) -> PixelRect {
        let column = position % columns, row = position / columns
        return PixelRect(x: Self.padding + column * (cell.width + Self.gap), y: tilesTop + row * (cellHeight + Self.gap),
                         width: cell.width, height: cell.height)
    }

    /// Where a picture of `size` shows in tile `position`: centred in its cell (a stream whose frame size
    /// changes can give pictures of another size), and cut to the cell.
    func pictureRect(_ position: Int, size: PixelSize) -> PixelRect {
        cellRect(position).centred(size)
    }
}

/// Cells of a storyboard: sprites of at most `columns` × `rows` cells, filled left to right and top to
/// bottom, with no space between cells (players cut them out by `#xywh`).
struct StoryboardLayout: Sendable {
    let cell: PixelSize
    let count: Int
    let columns: Int
    let rows: Int

    var cellsPerSprite: Int { columns * rows }
    var spriteCount: Int { (count + cellsPerSprite - 1) / cellsPerSprite }

    /// The sprite (from 0) that holds cell `position`.
    func sprite(of position: Int) -> Int { position / cellsPerSprite }

    /// How many cells sprite `sprite` holds (the last may hold fewer).
    func cells(in sprite: Int) -> Int { min(cellsPerSprite, count - sprite * cellsPerSprite) }

    /// The size of sprite `sprite`: full rows of `columns` cells, as many rows as its cells need.
    func size(of sprite: Int) -> PixelSize {
        let cells = cells(in: sprite)
        return PixelSize(width: min(columns, cells) * cell.width, height: ((cells + columns - 1) / columns) * cell.height)
    }

    /// Cell `position`'s rectangle inside its sprite.
    func rect(_ position: Int) -> PixelRect {
        let within = position % cellsPerSprite
        return PixelRect(x: within % columns * cell.width, y: within / columns * cell.height, width: cell.width, height: cell.height)
    }
}

/// The WebVTT file of a storyboard, as web players read it for scrubbing previews.
enum StoryboardVTT {
    /// `HH:MM:SS.mmm`.
    static func timestamp(milliseconds: Int64) -> String {
        let hours = milliseconds / 3_600_000, minutes = milliseconds / 60_000 % 60
        let seconds = milliseconds / 1000 % 60, millis = milliseconds % 1000
        return String(format: "%02lld:%02lld:%02lld.%03lld", hours, minutes, seconds, millis)
    }

    /// One cue per cell: cell i from its time to the next cell's time, the first from 0 and the last to
    /// `end` (all in whole milliseconds, increasing), pointing at `sprites[sprite]#xywh=x,y,w,h`.
    static func text(starts: [Int64], end: Int64, layout: StoryboardLayout, spriteNames: [String]) -> String {
        var text = "WEBVTT\n"
        for (position, start) in starts.enumerated() {
            let from = position == 0 ? 0 : start
            let to = position + 1 < starts.count ? starts[position + 1] : end
            let rect = layout.rect(position)
            let name = spriteNames[layout.sprite(of: position)]
            let reference = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
            text += "\n\(timestamp(milliseconds: from)) --> \(timestamp(milliseconds: to))\n"
            text += "\(reference)#xywh=\(rect.x),\(rect.y),\(rect.width),\(rect.height)\n"
        }
        return text
    }
}
