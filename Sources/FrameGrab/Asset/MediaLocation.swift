import Foundation

/// Where a video is read from: a local path, an `http://` or `https://` URL that FFmpeg reads itself,
/// seeking with range requests, or `-`, the process's standard input, read once, forward.
///
/// A URL can carry credentials (`user:password@`, a presigned query's signature): messages, JSON lines and
/// the progress bar show it `redacted`, never as given.
public enum MediaLocation {
    /// Whether `location` is a URL read over the network (`http://`, `https://`; any case).
    public static func isNetwork(_ location: String) -> Bool {
        let lower = location.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The location that names the process's standard input: `-`, as on the command line. (A file named
    /// `-` is `./-`.)
    public static let standardInput = "-"

    /// Whether `location` is the process's standard input (`-`): a pipe, read once from start to end, so
    /// that every request is answered in one forward pass (`MediaAsset.readsOnce`).
    public static func isStandardInput(_ location: String) -> Bool { location == standardInput }

    /// The location as it may be shown: for a URL, the user and password replaced by `***`, and every
    /// query value too (`https://***@h/v/clip.mp4?X-Amz-Signature=***`); `stdin` for standard input; a
    /// path as it is.
    public static func redacted(_ location: String) -> String {
        if isStandardInput(location) { return "stdin" }
        guard isNetwork(location), var parts = URLComponents(string: location) else { return location }
        if parts.percentEncodedUser != nil || parts.percentEncodedPassword != nil {
            parts.percentEncodedUser = "***"
            parts.percentEncodedPassword = nil
        }
        if let items = parts.percentEncodedQueryItems {
            parts.percentEncodedQueryItems = items.map { URLQueryItem(name: $0.name, value: $0.value == nil ? nil : "***") }
        }
        return parts.string ?? location
    }

    /// The file name a location ends with: a path's last component; a URL's last path component, without
    /// query or fragment (`https://h/v/clip.mp4?sig=…` → `clip.mp4`; `""` when the path is `/`); `stdin`
    /// for standard input.
    public static func fileName(_ location: String) -> String {
        if isStandardInput(location) { return "stdin" }
        guard isNetwork(location) else { return (location as NSString).lastPathComponent }
        let path = URLComponents(string: location)?.path ?? ""
        return path.split(separator: "/").last.map { String($0).removingPercentEncoding ?? String($0) } ?? ""
    }
}
