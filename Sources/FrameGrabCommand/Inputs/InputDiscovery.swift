import Foundation
import FrameGrab

/// Turns the input arguments into the list of files to work on: a file argument is itself; a folder
/// argument is walked (its subfolders too with `--recursive`), in sorted order, so every run over the same
/// tree sees the same list in the same order.
///
/// Hidden entries (names starting with `.`) are left out, as are special files (sockets, devices, FIFOs).
/// Symbolic links are followed, and each folder is entered at most once (by device and inode), so a link
/// loop cannot make the walk endless. Whether a found file is a video is decided later, by its contents.
package enum InputDiscovery {
    /// One input file, and where it came from.
    struct Input: Sendable, Hashable {
        /// What to open: the argument itself (a path, or an `http(s)` URL), or the folder argument joined
        /// with the relative path.
        let location: String
        /// The input's folder relative to the folder argument it was found under (`""` when directly in it,
        /// or when the input was named directly).
        let directory: String
        /// Whether the file was named on the command line (a failure to read it is then an error, not a
        /// `notVideo` note).
        let isExplicit: Bool
        /// What `{name}` is made from when not the path: standard input's name (`stdin`, or `--name`).
        var name: String?

        /// Whether the input is standard input (`-`): opened once, and kept open until its job is done.
        var isStandardInput: Bool { MediaLocation.isStandardInput(location) }

        /// How messages, JSON lines and output templates name the input: its location, a URL's credentials
        /// redacted (`MediaLocation.redacted`).
        var path: String { MediaLocation.redacted(location) }

        /// What output templates take `{name}` from: the path, or standard input's name.
        var templateName: String { name ?? path }
    }

    /// A folder that could not be read while walking.
    struct Problem: Sendable {
        let path: String
        let message: String
        var code: FrameGrabError.Code = .readFailed
    }

    /// `standardInputName`: what `{name}` is for `-`, standard input (`--name`; by default `stdin`).
    static func discover(_ arguments: [String], recursive: Bool, standardInputName: String? = nil) -> (inputs: [Input], problems: [Problem]) {
        var inputs: [Input] = []
        var problems: [Problem] = []
        for argument in arguments {
            if MediaLocation.isStandardInput(argument) {
                inputs.append(Input(location: argument, directory: "", isExplicit: true, name: standardInputName))
                continue
            }
            var info = stat()
            if stat(argument, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                var visited = Set<FolderID>()
                let before = inputs.count
                walk(folder: argument, relative: "", recursive: recursive, visited: &visited, into: &inputs, problems: &problems)
                if inputs.count == before && !problems.contains(where: { $0.path.hasPrefix(argument) }) {
                    let hint = recursive ? "" : " (--recursive looks in its subfolders)"
                    problems.append(Problem(path: argument, message: "\(argument): is a folder with no files in it\(hint)", code: .isDirectory))
                }
            } else {
                // Files, URLs, and paths that do not exist: opening reports what is wrong with them.
                inputs.append(Input(location: argument, directory: "", isExplicit: true))
            }
        }
        return (inputs, problems)
    }

    private struct FolderID: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    private static func walk(folder: String, relative: String, recursive: Bool, visited: inout Set<FolderID>,
                             into inputs: inout [Input], problems: inout [Problem]) {
        let here = relative.isEmpty ? folder : join(folder, relative)
        var info = stat()
        guard stat(here, &info) == 0 else {
            problems.append(Problem(path: here, message: "\(here): cannot read the folder (\(String(cString: strerror(errno))))"))
            return
        }
        let id = FolderID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        guard visited.insert(id).inserted else { return }  // a link back to a folder already walked
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: here)
        } catch {
            problems.append(Problem(path: here, message: "\(here): cannot list the folder (\((error as NSError).localizedDescription))"))
            return
        }
        // Byte order of the UTF-8 names: the same in every locale.
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !name.hasPrefix(".") {
            let path = join(here, name)
            var entry = stat()
            guard stat(path, &entry) == 0 else { continue }  // a dangling link
            switch entry.st_mode & S_IFMT {
            case S_IFDIR:
                if recursive {
                    walk(folder: folder, relative: relative.isEmpty ? name : relative + "/" + name, recursive: true,
                         visited: &visited, into: &inputs, problems: &problems)
                }
            case S_IFREG:
                inputs.append(Input(location: path, directory: relative, isExplicit: false))
            default:
                continue
            }
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// `--shard K/N`: the K-th (from 1) of N slices of the input list.
package struct Shard: Sendable, Equatable {
    package let index: Int
    package let count: Int

    package init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else {
            return nil
        }
        self.index = index
        self.count = count
    }

    /// Every N-th input, starting at the K-th: slices of similar size that together hold every input once.
    func slice<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}
