import Support
import Foundation
import XCTest
@testable import GGUF

/// F32, F16, Q8_0 and Q4_1 against hand-computed blocks, and the fast dequantiser against the naive reference.
final class DequantizationTests: XCTestCase {
    private func file(_ tensors: [TestTensor]) throws -> GGUFFile {
        try TestGGUF(tensors: tensors).open()
    }

    func testF32IsReadAsStored() throws {
        let values: [Float] = [0, -0.0, 1.5, -2, .infinity, -.infinity, 0x1p-149, .greatestFiniteMagnitude]
        let f = try file([TestTensor("w", type: .f32, dimensions: [4, 2], data: bytes(ofFloats: values))])
        XCTAssertEqual(try f.floats("w", shape: [2, 4]).map(\.bitPattern), values.map(\.bitPattern))
    }

    func testF16Values() throws {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0), (0x8000, -0.0), (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125), (0x7BFF, 65504),
            (0x0001, 0x1p-24), (0x03FF, 0x1.ff8p-15), (0x0400, 0x1p-14), (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        let f = try file([TestTensor("h", type: .f16, dimensions: [UInt64(cases.count + 1)],
                                     data: bytes(of16: cases.map(\.0) + [0x7E00]))])
        let got = try f.floats("h")
        XCTAssertEqual(got.dropLast().map(\.bitPattern), cases.map(\.1.bitPattern))
        XCTAssertTrue(got.last!.isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    /// All 65,536 binary16 patterns against the standard library's `Float16` (absent on macOS x86_64).
    func testHalfConversionMatchesFloat16Exhaustively() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let got = HalfPrecision.float(fromF16: bits)
            if expected.isNaN {
                XCTAssertTrue(got.isNaN, "0x\(String(bits, radix: 16))")
            } else {
                XCTAssertEqual(got.bitPattern, expected.bitPattern, "0x\(String(bits, radix: 16))")
            }
        }
    }
    #endif

    /// Two Q8_0 blocks: d = 0.5 (0x3800) with q = -128, -127, …, and d = -0.25 (0xB400) with q = 0, 1, 2, ….
    func testQ8_0HandComputedBlocks() throws {
        var data = bytes(of16: [0x3800]) + (0..<32).map { UInt8(bitPattern: Int8(-128 + $0 * 8)) }
        data += bytes(of16: [0xB400]) + (0..<32).map { UInt8($0) }
        let first: [Float] = (0..<32).map { (j: Int) -> Float in Float(-128 + j * 8) * 0.5 }
        let second: [Float] = (0..<32).map { (j: Int) -> Float in Float(j) * -0.25 }
        let expected = first + second
        XCTAssertEqual(expected[0], -64)
        XCTAssertEqual(expected[31], 60)
        XCTAssertEqual(expected[33], -0.25)
        let f = try file([TestTensor("q", type: .q8_0, dimensions: [32, 2], data: data)])
        XCTAssertEqual(try f.floats("q", shape: [2, 32]), expected)
    }

    /// Two Q4_1 blocks. Block 1: d = 0.25 (0x3400), m = -1 (0xBC00), byte j = (15 − j) << 4 | j, so element j is
    /// j × 0.25 − 1 and element j + 16 is (15 − j) × 0.25 − 1. Block 2: d = 1.5 (0x3E00), m = 0.5 (0x3800), every byte
    /// 0xA3: elements 0–15 are 3 × 1.5 + 0.5 = 5, elements 16–31 are 10 × 1.5 + 0.5 = 15.5.
    func testQ4_1HandComputedBlocks() throws {
        var data = bytes(of16: [0x3400, 0xBC00]) + (0..<16).map { (j: Int) -> UInt8 in UInt8((15 - j) << 4 | j) }
        data += bytes(of16: [0x3E00, 0x3800]) + [UInt8](repeating: 0xA3, count: 16)
        let low: [Float] = (0..<16).map { (j: Int) -> Float in Float(j) * 0.25 - 1 }
        let high: [Float] = (0..<16).map { (j: Int) -> Float in Float(15 - j) * 0.25 - 1 }
        var expected = low + high
        expected += [Float](repeating: 5, count: 16) + [Float](repeating: 15.5, count: 16)
        XCTAssertEqual(Array(expected[0..<2]), [-1, -0.75])
        XCTAssertEqual(Array(expected[15...16]), [2.75, 2.75])
        XCTAssertEqual(expected[31], -1)
        let f = try file([TestTensor("q", type: .q4_1, dimensions: [64], data: data)])
        XCTAssertEqual(try f.floats("q"), expected)
    }

    /// The products are exact in `Float` (an 11-bit half mantissa times at most 8 bits), so only Q4_1's `+ m` rounds and
    /// fused or unfused evaluation gives the same value: d = 1/3 (0x3555), m = 2^-24 (0x0001), nibble 7.
    func testQ4_1RoundsOnlyTheSum() throws {
        let d = HalfPrecision.float(fromF16: 0x3555), m = HalfPrecision.float(fromF16: 0x0001)
        XCTAssertEqual(Double(7 * d), 7 * Double(d), "the product is exact")
        let exactSum = 7 * Double(d) + Double(m)
        XCTAssertNotEqual(Double(Float(exactSum)), exactSum, "the test needs a sum that rounds")
        let data = bytes(of16: [0x3555, 0x0001]) + [UInt8](repeating: 0x77, count: 16)
        let got = try file([TestTensor("q", type: .q4_1, dimensions: [32], data: data)]).floats("q")
        XCTAssertEqual(got, [Float](repeating: Float(exactSum), count: 32))
        XCTAssertEqual(got, [Float](repeating: m.addingProduct(7, d), count: 32), "fused evaluation agrees")
    }

    /// The fast dequantiser equals the reference bit for bit on random blocks, scale bits included (NaN and
    /// infinite scales too), for every supported type.
    func testFastEqualsReferenceOnRandomBlocks() {
        var rng = SplitMix(seed: 0x5EED)
        for type in GGMLDequantizer.supportedTypes {
            for blocks in [1, 2, 7] {
                let data = (0..<(blocks * type.typeSize)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let count = blocks * type.blockSize
                let fast = data.withUnsafeBytes { raw in
                    [Float](unsafeUninitializedCapacity: count) { out, n in
                        GGMLDequantizer.dequantize(type, data: raw, into: out)
                        n = count
                    }
                }
                let reference = data.withUnsafeBytes { GGMLReferenceDequantizer.dequantize(type, data: $0, count: count) }
                XCTAssertEqual(fast.map(\.bitPattern), reference.map(\.bitPattern), "\(type.name), \(blocks) blocks")
            }
        }
    }
}

/// A small deterministic generator for test bytes (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
