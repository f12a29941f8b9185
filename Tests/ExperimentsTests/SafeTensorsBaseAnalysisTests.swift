import Analysis
import Foundation
import LoRA
import SafeTensors
import XCTest
@testable import ExperimentReports

/// `AdapterAnalysis.analyze` over safetensors bases (`SafeTensorsBase`): the tiny random models and PEFT adapters of
/// scripts/make-safetensors-base-fixtures.py (Tests/Fixtures/safetensors-base): a Llama in BF16 sharded into five files,
/// the same float32 Llama rounded to F16 in one file, and a BERT in F32 sharded into five files; adapters on q and v of
/// both layers, r = 4. `expected.json` holds numpy's float64 results on the same stored values.
///
/// Tolerance, relative: 1e-9. BF16 and F16 widen to f32 exactly and f32 to f64 exactly, so both sides start from the same
/// f64 numbers; the engine then works in f64 throughout (the SVD of ΔW = scaling·B·A, W's SVD, ‖UᵀWV‖_F), as numpy
/// does, so the two differ only by LAPACK round-off: O(n·ε₆₄) ≈ 64 · 1.1e-16 < 1e-13 relative for singular values of
/// these matrices of at most 64 × 64, and for the top-4 singular subspaces ε₆₄‖·‖ divided by the gap below σ₄ (ΔW has
/// rank 4, so that gap is σ₄ itself, ≥ 0.3 σ₁ here), again < 1e-13. The CSVs print 10 significant digits (`%.10g`),
/// which adds at most half a unit in the 10th digit, 5e-10 relative. 5e-10 + 1e-13 < 1e-9.
final class SafeTensorsBaseAnalysisTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors-base")
    static let tolerance = 1e-9

    struct Expected: Decodable {
        var layer: Int
        var matrix: String
        var rank: Int
        var weight_norm: Double
        var delta_norm: Double
        var singular_values: [Double]
        var projection_norm_delta_w: Double
        var projection_norm_w: Double
        var amplification: Double
    }

    func analyze(base: String, adapter: String, reader: any ByteRangeReader = FileRangeReader()) throws -> ReportData {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("st-base-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        let baseURL = base.hasPrefix("/") ? URL(fileURLWithPath: base) : Self.fixtures.appendingPathComponent(base)
        let b = try SafeTensorsBase(url: baseURL, reader: reader)
        let adapterURL = adapter.hasPrefix("/") ? URL(fileURLWithPath: adapter) : Self.fixtures.appendingPathComponent(adapter)
        _ = try AdapterAnalysis.analyze(adapterDirectories: [adapterURL],
                                        baseWeights: { try b.weight(layer: $0, site: $1) },
                                        baseDimensions: { try b.dimensions(layer: $0, site: $1) }, naming: b.naming,
                                        layers: b.layerCount, outputDirectory: out)
        return try ReportData.load(from: out)
    }

    func assertClose(_ ours: Double?, _ theirs: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let ours else { return XCTFail("\(what): missing", file: file, line: line) }
        XCTAssertEqual(ours, theirs, accuracy: Self.tolerance * abs(theirs), what, file: file, line: line)
    }

    func testTable7AndSpectraMatchNumpyOnEachBase() throws {
        let expected = try JSONDecoder().decode([String: [Expected]].self,
                                                from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))
        for (base, adapter, key) in [("llama-bf16-sharded", "llama-qv-r4", "llama-bf16-sharded"), ("llama-f16", "llama-qv-r4", "llama-f16"),
                                     ("llama-f16/model.safetensors", "llama-qv-r4", "llama-f16"), ("bert-sharded", "bert-qv-r4", "bert-sharded")] {
            let data = try analyze(base: base, adapter: adapter)
            let projection = try XCTUnwrap(data.projection), spectra = try XCTUnwrap(data.spectra)
            let rows = try XCTUnwrap(expected[key])
            XCTAssertEqual(rows.count, 4)
            for e in rows {
                let at = "\(base) layer \(e.layer) \(e.matrix)"
                func row(_ source: DirectionSource) -> ProjectionRow? {
                    projection.first { $0.layer == e.layer && $0.matrix == e.matrix && $0.rank == e.rank && $0.directionsFrom == source }
                }
                let delta = try XCTUnwrap(row(.deltaW), at), w = try XCTUnwrap(row(.w), at)
                assertClose(delta.projectionNorm, e.projection_norm_delta_w, "\(at) ‖UᵀWV‖ (ΔW directions)")
                assertClose(w.projectionNorm, e.projection_norm_w, "\(at) ‖UᵀWV‖ (W directions)")
                assertClose(delta.weightNorm, e.weight_norm, "\(at) ‖W‖")
                assertClose(delta.deltaNorm, e.delta_norm, "\(at) ‖ΔW‖")
                assertClose(delta.amplification, e.amplification, "\(at) amplification")
                let sigma = spectra.filter { $0.layer == e.layer && $0.matrix == e.matrix }.sorted { $0.index < $1.index }
                XCTAssertGreaterThanOrEqual(sigma.count, e.singular_values.count, at)
                for (k, s) in e.singular_values.enumerated() { assertClose(sigma[k].singularValue, s, "\(at) σ\(k + 1)") }
            }
        }
    }

    /// A BERT task model's checkpoint stores the encoder under `bert.` (`BertForSequenceClassification`): the sharded
    /// BERT's tensors renamed so, in one F32 `model.safetensors`, give the same numbers.
    func testBERTUnderATaskModelPrefix() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-bert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Self.fixtures.appendingPathComponent("bert-sharded")
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: dir.appendingPathComponent("config.json"))
        let checkpoint = try SafeTensorsCheckpoint(url: source)
        let index = try SafeTensorsShardIndex(path: source.appendingPathComponent(SafeTensorsShardIndex.fileName).path)
        var writer = SafeTensorsWriter()
        for name in index.weightMap.keys {
            try writer.add("bert." + name, shape: try XCTUnwrap(checkpoint.info(name)).shape, floats: try checkpoint.floats(name))
        }
        try writer.write(to: dir.appendingPathComponent("model.safetensors"))
        let expected = try JSONDecoder().decode([String: [Expected]].self,
                                                from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))["bert-sharded"]!
        let projection = try XCTUnwrap(try analyze(base: dir.path, adapter: "bert-qv-r4").projection)
        for e in expected {
            let row = try XCTUnwrap(projection.first { $0.layer == e.layer && $0.matrix == e.matrix && $0.directionsFrom == .deltaW })
            assertClose(row.projectionNorm, e.projection_norm_delta_w, "layer \(e.layer) \(e.matrix)")
            assertClose(row.weightNorm, e.weight_norm, "layer \(e.layer) \(e.matrix) ‖W‖")
        }
    }

    /// The whole analysis reads, of the sharded Llama, only the shards holding an adapted W, and of each only its 8-byte
    /// prefix, its header and those matrices' bytes: a shard of unadapted tensors is never opened. Both with the fixture
    /// adapter (q, v of layers 0 and 1) and with its layer-1 half alone (layer 0's shard is then never opened either).
    func testOnlyTheAdaptedMatricesAreRead() throws {
        for layers in [[0, 1], [1]] {
            let adapter = try adapterOfLayers(layers)
            let reader = RangeLog()
            _ = try analyze(base: "llama-bf16-sharded", adapter: adapter.path, reader: reader)
            let folder = Self.fixtures.appendingPathComponent("llama-bf16-sharded")
            let index = try SafeTensorsShardIndex(path: folder.appendingPathComponent(SafeTensorsShardIndex.fileName).path)
            let adapted = layers.flatMap { l in ["q_proj", "v_proj"].map { "model.layers.\(l).self_attn.\($0).weight" } }
            var expectedBytes: [String: Int] = [:]
            for name in adapted {
                let shard = folder.appendingPathComponent(index.weightMap[name]!)
                let file = try SafeTensorsFile(contentsOf: shard)
                let prefix = try Data(contentsOf: shard).prefix(8)
                let dataStart = 8 + Int(prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
                expectedBytes[shard.path, default: dataStart] += file.info(name)!.byteRange.count
            }
            XCTAssertLessThan(expectedBytes.count, Set(index.weightMap.values).count, "some shard holds unadapted tensors only")
            XCTAssertEqual(reader.bytes, expectedBytes, "layers \(layers)")
        }
    }

    /// The fixture Llama adapter restricted to `layers` (its other tensors dropped), in a temporary folder; the fixture
    /// itself for both layers.
    func adapterOfLayers(_ layers: [Int]) throws -> URL {
        let source = Self.fixtures.appendingPathComponent("llama-qv-r4")
        guard layers != [0, 1] else { return source }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-adapter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: source.appendingPathComponent("adapter_config.json"), to: dir.appendingPathComponent("adapter_config.json"))
        let file = try SafeTensorsFile(contentsOf: source.appendingPathComponent("adapter_model.safetensors"))
        var writer = SafeTensorsWriter()
        for t in file.tensors where layers.contains(where: { t.name.contains(".layers.\($0).") }) {
            try writer.add(t.name, shape: t.shape, floats: try file.floats(t.name))
        }
        try writer.write(to: dir.appendingPathComponent("adapter_model.safetensors"))
        return dir
    }

    /// The family comes from config.json's model_type; without it, or with another, a typed error names the file.
    func testTheFamilyRule() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-family-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("llama-f16"), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        for (text, expected) in [
            (#"{"model_type": "gpt2", "num_hidden_layers": 2}"#,
             BaseCheckpointError.invalidConfig(file: config.path, field: "model_type",
                                               reason: "\"gpt2\" is not a family analyze reads (expected \"bert\" or \"llama\")")),
            (#"{"num_hidden_layers": 2}"#,
             .invalidConfig(file: config.path, field: "model_type", reason: "missing (expected \"bert\" or \"llama\")")),
            (#"{"model_type": "llama"}"#, .invalidConfig(file: config.path, field: "num_hidden_layers", reason: "missing")),
        ] {
            try Data(text.utf8).write(to: config)
            XCTAssertThrowsError(try SafeTensorsBase(url: dir)) { XCTAssertEqual($0 as? BaseCheckpointError, expected, text) }
        }
        try FileManager.default.removeItem(at: config)
        XCTAssertThrowsError(try SafeTensorsBase(url: dir)) {
            XCTAssertEqual($0 as? BaseCheckpointError, .missingConfig(path: config.path))
        }
    }
}

/// Bytes read per file through the checkpoint (sizes asked count as touching the file, with 0 bytes).
final class RangeLog: ByteRangeReader, @unchecked Sendable {
    private let lock = NSLock()
    private var _bytes: [String: Int] = [:]
    private let inner = FileRangeReader()
    var bytes: [String: Int] { lock.lock(); defer { lock.unlock() }; return _bytes }

    func size(of path: String) throws -> Int {
        lock.lock(); _bytes[path, default: 0] += 0; lock.unlock()
        return try inner.size(of: path)
    }

    func read(_ path: String, range: Range<Int>) throws -> Data {
        lock.lock(); _bytes[path, default: 0] += range.count; lock.unlock()
        return try inner.read(path, range: range)
    }
}
