import Foundation

/// `--inputs-from`: inputs listed in a file, one path or URL per line, for runs over more files than a
/// command line holds (`find … | framegrab --inputs-from -`).
package enum InputList {
    /// The inputs a list names (`-`: standard input): one per line, spaces around it trimmed, empty lines
    /// and lines starting with `#` left out. A listed path that does not exist is not an error here: opening
    /// it fails that input alone, so one bad line does not stop a long run.
    package static func read(_ path: String) throws(UsageError) -> [String] {
        parse(String(decoding: try TimesFile.contents(of: path, what: "input list"), as: UTF8.self))
    }

    package static func parse(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let entry = line.trimmingCharacters(in: .whitespaces)
            return entry.isEmpty || entry.hasPrefix("#") ? nil : entry
        }
    }
}
