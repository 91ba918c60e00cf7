/// Why a font could not be opened or used.
public enum TextRenderingError: Error, Equatable, CustomStringConvertible {
    /// No file at `path`; `debianPackage` names the package that installs it, when known.
    case fontFileNotFound(path: String, debianPackage: String?)
    /// A pixel height outside `Font.pixelHeights`.
    case invalidPixelHeight(Int)
    /// A FreeType call failed: which call, and the `FT_Error` code it returned.
    case freeType(call: String, code: Int32)

    public var description: String {
        switch self {
        case let .fontFileNotFound(path, package?):
            return "font not found: \(path) (install Debian's \(package) package: apt-get install \(package))"
        case let .fontFileNotFound(path, nil):
            return "font not found: \(path)"
        case let .invalidPixelHeight(height):
            return "pixel height \(height) is outside \(Font.pixelHeights.lowerBound)–\(Font.pixelHeights.upperBound)"
        case let .freeType(call, code):
            let message = freeTypeMessage(code).map { ", \($0)" } ?? ""
            return "\(call) failed: FreeType error \(code)\(message)"
        }
    }
}
