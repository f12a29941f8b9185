import Foundation
import LoRA
import Model

/// Notes on stderr about PEFT adapter directories given on the command line.
enum AdapterNotes {
    /// One line when the adapter holds tensors that are not LoRA factors but modules PEFT trains in full
    /// (`modules_to_save`, e.g. a SEQ_CLS adapter's classifier): they are left out of the analyses.
    static func ignoredTensors(_ contents: PEFTAdapterContents, directory: String) -> String? {
        let names = contents.ignoredTensors
        guard !names.isEmpty else { return nil }
        let shown = names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", …" : "")
        return "note: \(directory)/\(PEFTAdapterFile.weightsName): left out \(names.count) tensor\(names.count == 1 ? "" : "s") of "
            + "modules_to_save (trained in full beside LoRA, e.g. a classifier head; not LoRA factors): \(shown)"
    }

    /// Prints `ignoredTensors` for each adapter directory that has any, reading each with `load` (errors are left to the
    /// analyses, which report them).
    static func printIgnoredTensors(adapters: [String], load: (URL) throws -> PEFTAdapterContents) {
        for dir in adapters {
            guard let contents = try? load(URL(fileURLWithPath: dir)),
                  let note = ignoredTensors(contents, directory: dir) else { continue }
            Console.info(note)
        }
    }
}
