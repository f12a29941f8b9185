import Foundation
import Support

/// How `SafeTensorsRangeFile` reaches a file's bytes: its size, and one byte range at a time. The one seam between the
/// lazy reader and the file system, so a test can count (or refuse) what is read.
public protocol ByteRangeReader: Sendable {
    /// The file's size in bytes. Throws `SafeTensorsError.io` naming `path` when it cannot be opened.
    func size(of path: String) throws -> Int
    /// Exactly the bytes `range` of the file (`range.upperBound ≤ size`). Throws `SafeTensorsError.io` naming `path`.
    func read(_ path: String, range: Range<Int>) throws -> Data
}

/// Reads with `FileHandle`: open, seek to `range.lowerBound`, read `range.count` bytes, close. Nothing else of the file
/// is read, so memory grows with the ranges asked for, not with the file.
public struct FileRangeReader: ByteRangeReader {
    public init() {}

    public func size(of path: String) throws -> Int {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
            throw SafeTensorsError.io(file: path, reason: FileSystemError.readFailure(path))
        }
        return size.intValue
    }

    public func read(_ path: String, range: Range<Int>) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SafeTensorsError.io(file: path, reason: FileSystemError.readFailure(path))
        }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(range.lowerBound))
            let data = try handle.read(upToCount: range.count) ?? Data()
            guard data.count == range.count else {
                throw SafeTensorsError.io(file: path, reason: "the file ends before byte \(range.upperBound) (was it truncated?)")
            }
            return data
        } catch let e as SafeTensorsError {
            throw e
        } catch {
            throw SafeTensorsError.io(file: path, reason: "cannot read bytes \(range.lowerBound)..<\(range.upperBound): \(error.localizedDescription)")
        }
    }
}
