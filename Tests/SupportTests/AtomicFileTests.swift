import Foundation
import XCTest
@testable import Support

/// Atomic writes with our own temporary files, folder creation and their errors in words.
final class AtomicFileTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try Folder.create(root)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testWriteLeavesOnlyTheDestination() throws {
        let url = root.appendingPathComponent("a/b/report.md")
        try AtomicFile.write("one", to: url)
        try AtomicFile.write("two", to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "two")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path), ["report.md"])
    }

    /// A file where a folder must be: the message names the file in the way and the folder that was needed.
    func testFileInTheWayIsNamed() throws {
        let file = root.appendingPathComponent("results")
        try AtomicFile.write("x", to: file)
        XCTAssertThrowsError(try AtomicFile.write("y", to: file.appendingPathComponent("smoke/report.md"))) { error in
            XCTAssertEqual("\(error)", "\(file.path): is a file, not a folder (needed for \(file.path)/smoke)")
        }
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "x", "the file in the way is unchanged")
    }

    /// A full disk: `/dev/full` fails every write with ENOSPC, which the error gives in words.
    func testFullDiskIsReportedInWords() throws {
        let fd = open("/dev/full", O_WRONLY)
        try XCTSkipIf(fd < 0, "/dev/full is not available")
        defer { close(fd) }
        XCTAssertThrowsError(try AtomicFile.writeAll(Data(repeating: 1, count: 10), to: fd, path: "/r/report.md")) { error in
            XCTAssertEqual("\(error)", "/r/report.md: cannot write: No space left on device")
        }
    }

    func testReasonsAreWords() {
        XCTAssertEqual("\(FileSystemError(path: "/r", operation: .createFolder, code: EACCES))", "/r: cannot create folder: Permission denied")
        XCTAssertEqual("\(FileSystemError(path: "/r/x", operation: .write, code: EROFS))", "/r/x: cannot write: Read-only file system")
    }

    /// Read-only folders stop writes only for non-root users (root ignores permission bits).
    func testReadOnlyFolderIsReportedInWords() throws {
        try XCTSkipIf(getuid() == 0, "root ignores folder permissions")
        let dir = root.appendingPathComponent("ro")
        try Folder.create(dir)
        chmod(dir.path, 0o555)
        defer { chmod(dir.path, 0o755) }
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir.appendingPathComponent("f.json"))) { error in
            XCTAssertEqual("\(error)", "\(dir.path)/f.json: cannot write: Permission denied")
        }
    }

    /// Leftovers of dead writers are removed; files of live writers and other hidden files are kept.
    func testStaleTemporaryFilesAreRemoved() throws {
        let dead = pid_t(Int32.max - 7)   // above pid_max: no such process
        XCTAssertFalse(AtomicFile.isRunning(dead))
        let stale = root.appendingPathComponent("runs/x/.final.json.\(dead).tmp")
        let live = root.appendingPathComponent("runs/x/.final.json.1.tmp")   // pid 1 always runs
        let other = root.appendingPathComponent("runs/x/.keep.tmp")
        for f in [stale, live, other] { try AtomicFile.write("t", to: f) }
        XCTAssertEqual(AtomicFile.removeStaleTemporaryFiles(under: root).map(\.lastPathComponent), [stale.lastPathComponent])
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path))
    }
}

extension AtomicFileTests {
    /// Temporary names carry the host; a dead writer's file is removed only when this host wrote it, so runners on
    /// other cluster nodes keep their live files.
    func testOtherHostsTemporaryFilesAreKept() throws {
        let dead = pid_t(Int32.max - 7)
        XCTAssertEqual(AtomicFile.temporaryURL(for: root.appendingPathComponent("a.json")).lastPathComponent,
                       ".a.json.\(getpid())@\(AtomicFile.hostName).tmp")
        XCTAssertFalse(AtomicFile.hostName.contains("."))
        let mine = root.appendingPathComponent(".final.json.\(dead)@\(AtomicFile.hostName).tmp")
        let other = root.appendingPathComponent(".final.json.\(dead)@node-\(AtomicFile.hostName)-2.tmp")
        for f in [mine, other] { try AtomicFile.write("t", to: f) }
        XCTAssertEqual(AtomicFile.removeStaleTemporaryFiles(under: root).map(\.lastPathComponent), [mine.lastPathComponent])
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path))
    }
}
