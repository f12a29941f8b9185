import Foundation
import Tokenization

/// The built-in tiny model for tests and fast examples: a seeded random BERT (2 layers, d = 48, 4 heads, d_ff = 96)
/// with its own small uncased vocabulary — the special tokens, ASCII punctuation and digits, single letters with their
/// `##` continuations, and a few hundred frequent English words, so any English text tokenizes (mostly into words,
/// otherwise letter by letter) with the same BERT tokenizer rules as a real checkpoint.
public enum BuiltinTiny {
    public static let seed: UInt64 = 20_210_617

    static let words: [String] = """
    the of a an and or in to for with by that is as on from which be used person any one who not at its into has \
    having made small large genus family plant animal part state act process form something especially water body \
    type people group kind food tree member it are was this other such their can his her often usually having \
    between being place time light more some two three without under very first use an work quality line set \
    condition power number way make made area system cause color white black red green blue long short high low \
    old new hard soft small little great good bad man woman child someone things thing object device instrument \
    movement activity relation feeling state structure substance material cells cell fruit leaves leaf flowers \
    flower seeds seed fish bird birds insect mammal mammals dog cat horse genus family order class tropical \
    north south american european asian african region city country river sea land earth air fire music art \
    language word words written game sport money trade business law government military war religion god \
    church science study medicine disease health blood bone head hand eye heart skin hair food drink meat \
    bread milk wine oil gas metal wood stone glass paper cloth building house room wall door road car ship \
    vehicle machine tool weapon container vessel covering surface shape size amount quantity unit measure \
    period day year event change action motion contact communication cognition feeling possession attribute \
    artifact location phenomenon relation shape time quantity
    """.split(separator: " ").map(String.init)

    /// The tiny vocabulary, deterministic and duplicate-free.
    public static var vocabulary: [String] {
        var v = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let punctuation = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").map(String.init)
        let letters = (UInt8(ascii: "a")...UInt8(ascii: "z")).map { String(UnicodeScalar($0)) }
        let digits = (0...9).map(String.init)
        v += punctuation + digits + letters + letters.map { "##" + $0 } + digits.map { "##" + $0 }
        var seen = Set(v)
        for w in words where !seen.contains(w) { v.append(w); seen.insert(w) }
        return v
    }

    /// The tiny configuration sized to the tiny vocabulary.
    public static var config: BertConfig { .tiny(vocabularySize: vocabulary.count) }

    /// The tiny model (same weights every time) and its tokenizer.
    public static func make() throws -> (BertModel, BertTokenizer) {
        let tokenizer = try BertTokenizer(vocabulary: vocabulary)
        return (BertModel.random(config: config, seed: seed, perturbNorms: true), tokenizer)
    }
}
