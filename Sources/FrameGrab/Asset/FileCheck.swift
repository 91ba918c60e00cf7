import Foundation

/// Checks made before FFmpeg sees a path, so that the common mistakes get a precise message.
enum FileCheck {
    static func readableFile(_ path: String) throws(FrameGrabError) {
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw FrameGrabError(.notFound, "\(path): no such file", path: path)
            }
            if code == EACCES {
                throw FrameGrabError(.permissionDenied, "\(path): permission denied", path: path)
            }
            throw FrameGrabError(.readFailed, "\(path): \(String(cString: strerror(code)))", path: path)
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw FrameGrabError(.isDirectory, "\(path): is a folder, not a video file", path: path)
        }
        if info.st_mode & S_IFMT != S_IFREG {
            // Named pipes, sockets and devices can block a read forever or never end.
            throw FrameGrabError(.notRegularFile, "\(path): not a regular file (a named pipe, socket or device)", path: path)
        }
        if access(path, R_OK) != 0 {
            throw FrameGrabError(.permissionDenied, "\(path): permission denied", path: path)
        }
        if info.st_size == 0 {
            throw FrameGrabError(.emptyFile, "\(path): the file is empty", path: path)
        }
    }
}
