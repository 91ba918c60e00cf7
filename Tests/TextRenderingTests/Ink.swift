import TextRendering

/// The pixels of a canvas that differ from `background`: where text left ink.
func inkedPixels(_ canvas: Canvas, background: RGBA) -> [(x: Int, y: Int)] {
    var inked: [(x: Int, y: Int)] = []
    for y in 0..<canvas.height {
        for x in 0..<canvas.width where canvas[x, y] != background { inked.append((x, y)) }
    }
    return inked
}

/// `text` drawn in white on a black canvas at (x, baseline).
func rendering(_ text: String, font: Font, width: Int = 240, height: Int = 48, x: Int = 10, baseline: Int = 32) -> Canvas {
    var canvas = Canvas(width: width, height: height, fill: .black)
    font.draw(text, into: &canvas, x: x, baseline: baseline, color: .white)
    return canvas
}
