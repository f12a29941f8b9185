import Support
import Foundation
import XCTest
@testable import SafeTensors

final class HalfPrecisionTests: XCTestCase {
    /// (bits, value) pairs computed by hand from the binary16 layout: sign | 5-bit exponent (bias 15) | 10-bit mantissa.
    private let f16Cases: [(UInt16, Float)] = [
        (0x3C00, 1.0),
        (0xC000, -2.0),
        (0x3800, 0.5),
        (0x7BFF, 65504),                    // largest finite: (2 − 2^-10) · 2^15
        (0x0400, 0x1p-14),                  // smallest normal
        (0x0001, 0x1p-24),                  // smallest subnormal: 1 · 2^-24
        (0x03FF, 1023 * 0x1p-24),           // largest subnormal
        (0x8001, -0x1p-24),                 // negative subnormal
        (0x3555, 0.333251953125),           // 1.0101010101b · 2^-2
        (0x0000, 0.0),
        (0x7C00, .infinity),
        (0xFC00, -.infinity),
    ]

    /// bfloat16 is the top 16 bits of a binary32.
    private let bf16Cases: [(UInt16, Float)] = [
        (0x3F80, 1.0),
        (0xC000, -2.0),
        (0x3F00, 0.5),
        (0x477F, 65280),                    // 1.9921875 · 2^15 (65504 is not representable)
        (0x7F7F, 0x1.FEp127),               // largest finite
        (0x0080, 0x1p-126),                 // smallest normal
        (0x0001, 0x1p-133),                 // smallest subnormal: 2^-7 · 2^-126
        (0x0000, 0.0),
        (0x7F80, .infinity),
        (0xFF80, -.infinity),
    ]

    func testF16HandComputedValues() {
        for (bits, value) in f16Cases {
            XCTAssertEqual(HalfPrecision.float(fromF16: bits).bitPattern, value.bitPattern, "F16 0x\(String(bits, radix: 16))")
        }
        XCTAssertEqual(HalfPrecision.float(fromF16: 0x8000).bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertTrue(HalfPrecision.float(fromF16: 0x7E00).isNaN)
        XCTAssertTrue(HalfPrecision.float(fromF16: 0x7C01).isNaN)  // signalling-style payload is still NaN, not inf
        XCTAssertEqual(HalfPrecision.float(fromF16: 0xFE00).sign, .minus)
    }

    func testBF16HandComputedValues() {
        for (bits, value) in bf16Cases {
            XCTAssertEqual(HalfPrecision.float(fromBF16: bits).bitPattern, value.bitPattern, "BF16 0x\(String(bits, radix: 16))")
        }
        XCTAssertEqual(HalfPrecision.float(fromBF16: 0x8000).bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertTrue(HalfPrecision.float(fromBF16: 0x7FC0).isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    /// Every one of the 65 536 binary16 bit patterns agrees with Swift's own `Float16` widening.
    func testF16AgreesWithSwiftFloat16Exhaustively() {
        for raw in 0...UInt16.max {
            let mine = HalfPrecision.float(fromF16: raw)
            let swift = Float(Float16(bitPattern: raw))
            if swift.isNaN {
                XCTAssertTrue(mine.isNaN, "0x\(String(raw, radix: 16))")
                XCTAssertEqual(mine.sign, swift.sign)
            } else {
                XCTAssertEqual(mine.bitPattern, swift.bitPattern, "0x\(String(raw, radix: 16))")
            }
        }
    }
    #endif

    func testF16AndBF16TensorsAreReadAsFloats() throws {
        let header = #"{"bf":{"dtype":"BF16","shape":[2,5],"data_offsets":[0,20]},"#
            + #""h":{"dtype":"F16","shape":[12],"data_offsets":[20,44]}}"#
        let data = bytes(of16: bf16Cases.map(\.0)) + bytes(of16: f16Cases.map(\.0))
        let file = try SafeTensorsFile(data: craftedFile(header: header, data: data), label: "half")
        XCTAssertEqual(try file.floats("h").map(\.bitPattern), f16Cases.map(\.1.bitPattern))
        XCTAssertEqual(try file.floats("bf", shape: [2, 5]).map(\.bitPattern), bf16Cases.map(\.1.bitPattern))
    }
}
