import Foundation
import XCTest
@testable import SafeTensors

/// Every byte range a checkpoint asks for, per file: the proof that only the tensors asked for are read.
final class CountingReader: ByteRangeReader, @unchecked Sendable {
    private let lock = NSLock()
    private var _reads: [String: [Range<Int>]] = [:]
    private let inner = FileRangeReader()

    var reads: [String: [Range<Int>]] { lock.lock(); defer { lock.unlock() }; return _reads }
    /// The files touched in any way (sized or read), by last path component.
    var touchedFiles: Set<String> { Set(reads.keys.map { URL(fileURLWithPath: $0).lastPathComponent }) }

    func size(of path: String) throws -> Int {
        lock.lock(); _reads[path, default: []] += []; lock.unlock()
        return try inner.size(of: path)
    }

    func read(_ path: String, range: Range<Int>) throws -> Data {
        lock.lock(); _reads[path, default: []].append(range); lock.unlock()
        return try inner.read(path, range: range)
    }
}

/// `SafeTensorsCheckpoint` on the tiny sharded fixtures of scripts/make-safetensors-base-fixtures.py
/// (Tests/Fixtures/safetensors-base): lazy, strict, and equal to the whole-file reader tensor for tensor.
final class ShardedCheckpointTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors-base")
    let adapted = (0..<2).flatMap { l in ["q_proj", "v_proj"].map { "model.layers.\(l).self_attn.\($0).weight" } }

    /// Reading the adapted matrices touches only the shards the index puts them in, and of each shard only the 8-byte
    /// prefix, the header and those tensors' bytes; the shards of unadapted tensors are never opened. The values equal the
    /// whole-file reader's (BF16 widened exactly).
    func testOnlyTheShardsAndBytesOfTheTensorsAskedForAreRead() throws {
        let folder = Self.fixtures.appendingPathComponent("llama-bf16-sharded")
        let reader = CountingReader()
        let checkpoint = try SafeTensorsCheckpoint(url: folder, reader: reader)
        XCTAssertEqual(reader.reads.count, 0, "opening reads the index only")
        let index = try SafeTensorsShardIndex(path: folder.appendingPathComponent(SafeTensorsShardIndex.fileName).path)
        var expectedBytes: [String: Int] = [:]
        for name in adapted {
            let values = try checkpoint.floats(name)
            let shard = folder.appendingPathComponent(index.weightMap[name]!)
            let whole = try SafeTensorsFile(contentsOf: shard)
            XCTAssertEqual(whole.info(name)?.dtype, .bf16)
            XCTAssertEqual(values, try whole.floats(name), name)
            expectedBytes[shard.path, default: whole.dataStart] += whole.info(name)!.byteRange.count
        }
        let needed = Set(adapted.map { index.weightMap[$0]! })
        XCTAssertEqual(reader.touchedFiles, needed)
        XCTAssertLessThan(needed.count, Set(index.weightMap.values).count, "the fixture has shards of unadapted tensors only")
        for (path, ranges) in reader.reads {
            XCTAssertEqual(ranges.map(\.count).reduce(0, +), expectedBytes[path], path)
        }
    }

    /// An F16 single file (a file path or its folder) reads as the whole-file reader does.
    func testF16SingleFile() throws {
        let file = Self.fixtures.appendingPathComponent("llama-f16/model.safetensors")
        for url in [file, file.deletingLastPathComponent()] {
            let checkpoint = try SafeTensorsCheckpoint(url: url)
            XCTAssertEqual(checkpoint.layout, .single(file.path))
            let whole = try SafeTensorsFile(contentsOf: file)
            XCTAssertEqual(whole.info(adapted[0])?.dtype, .f16)
            XCTAssertEqual(try checkpoint.floats(adapted[0]), try whole.floats(adapted[0]))
            XCTAssertNil(try checkpoint.info("no.such.weight"))
        }
    }

    /// A copy of the sharded Llama fixture in a temporary folder, to break.
    func brokenCopy() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("llama-bf16-sharded"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testMalformedIndexNamesTheFileAndTheReason() throws {
        let dir = try brokenCopy()
        let index = dir.appendingPathComponent(SafeTensorsShardIndex.fileName)
        let cases: [(String, String)] = [
            (#"{"weight_map": {"a": "x.safetensors",}}"#, "not valid JSON: expected a string key at byte"),
            (#"{"metadata": {}}"#, "field 'weight_map' is missing"),
            (#"{"weight_map": ["x"]}"#, "field 'weight_map' is an array, not an object"),
            (#"{"weight_map": {"a": 3}}"#, "field 'weight_map': tensor 'a': the shard is a number, not a file name"),
            (#"{"weight_map": {"a": "../x.safetensors"}}"#, "field 'weight_map': tensor 'a': \"../x.safetensors\" is not a file name"),
            (#"{"weight_map": {"a": "x", "a": "y"}}"#, "duplicate key \"a\""),
            ("[]", "the top level is an array, not an object"),
        ]
        for (text, reason) in cases {
            try Data(text.utf8).write(to: index)
            XCTAssertThrowsError(try SafeTensorsCheckpoint(url: dir), text) { error in
                guard case .invalidIndex(let file, let r)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
                XCTAssertEqual(file, index.path)
                XCTAssertTrue(r.contains(reason), "\(r) does not contain \(reason)")
            }
        }
    }

    func testMissingShardAndTensorsTheShardLacks() throws {
        let dir = try brokenCopy()
        let index = dir.appendingPathComponent(SafeTensorsShardIndex.fileName).path
        let map = try SafeTensorsShardIndex(path: index).weightMap
        let shard = map[adapted[0]]!
        try FileManager.default.removeItem(at: dir.appendingPathComponent(shard))
        assertThrows(.missingShard(index: index, tensor: adapted[0], shard: shard), mentions: [index, adapted[0], shard, "does not exist"]) {
            try SafeTensorsCheckpoint(url: dir).floats(adapted[0])
        }
        var text = try String(contentsOfFile: index, encoding: .utf8)
        let other = map["model.norm.weight"]!
        text = text.replacingOccurrences(of: "\"\(adapted[1])\": \"\(map[adapted[1]]!)\"", with: "\"\(adapted[1])\": \"\(other)\"")
        try text.write(toFile: index, atomically: true, encoding: .utf8)
        let otherPath = dir.appendingPathComponent(other).path
        assertThrows(.tensorNotInShard(index: index, tensor: adapted[1], shard: otherPath), mentions: [adapted[1], other]) {
            try SafeTensorsCheckpoint(url: dir).floats(adapted[1])
        }
        assertThrows(.tensorNotFound(file: index, tensor: "model.layers.9.self_attn.q_proj.weight"), mentions: [index]) {
            try SafeTensorsCheckpoint(url: dir).floats("model.layers.9.self_attn.q_proj.weight")
        }
    }

    /// A dtype the format does not define, and a truncated shard: typed errors naming the shard file and tensor.
    func testUnknownDTypeAndTruncatedShard() throws {
        let dir = try brokenCopy()
        let map = try SafeTensorsShardIndex(path: dir.appendingPathComponent(SafeTensorsShardIndex.fileName).path).weightMap
        let shard = dir.appendingPathComponent(map[adapted[0]]!)
        var bytes = try Data(contentsOf: shard)
        let entry = Data("\"\(adapted[0])\":{\"dtype\":\"BF16\"".utf8)
        let at = try XCTUnwrap(bytes.range(of: entry))
        bytes.replaceSubrange(at, with: Data("\"\(adapted[0])\":{\"dtype\":\"BX16\"".utf8))   // same length: the header length holds
        try bytes.write(to: shard)
        assertThrows(.unknownDType(file: shard.path, tensor: adapted[0], dtype: "BX16"), mentions: [shard.path, adapted[0], "BX16"]) {
            try SafeTensorsCheckpoint(url: dir).floats(adapted[0])
        }
        let second = dir.appendingPathComponent(map[adapted[3]]!)
        let whole = try Data(contentsOf: second)
        try whole.prefix(whole.count - 2).write(to: second)
        XCTAssertThrowsError(try SafeTensorsCheckpoint(url: dir).floats(adapted[3])) { error in
            guard case .offsetsOutOfBounds(let file, _, _, _)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, second.path)
        }
    }

    func testAFolderWithoutWeights() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        assertThrows(.noWeights(folder: dir.path), mentions: [dir.path, "model.safetensors.index.json"]) { try SafeTensorsCheckpoint(url: dir) }
    }
}
