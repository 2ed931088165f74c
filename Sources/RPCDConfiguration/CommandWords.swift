/// A backend's `COMMAND` split into words the way a POSIX shell splits them, without a shell:
/// no variables, globs, redirections or command substitution, only quoting.
///
/// - Blanks (space, tab, newline) separate words.
/// - `'...'` is literal.
/// - `"..."` is literal except for `\"`, `\\`, `\$` and `` \` `` (a backslash before anything
///   else stays, as in the shell).
/// - Outside quotes a backslash makes the next character literal.
/// - Quotes join with what touches them (`a'b c'` is one word, `''` an empty one).
enum CommandWords {
    /// The words of `text`.
    /// - Throws: `ValueProblem` for an unterminated quote, a trailing backslash, or no word at all.
    static func split(_ text: String) throws(ValueProblem) -> [String] {
        let characters = Array(text)
        var words: [String] = []
        var word = ""
        var inWord = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case " ", "\t", "\n", "\r\n", "\r":
                if inWord {
                    words.append(word)
                    word = ""
                    inWord = false
                }
                index += 1
            case "'":
                inWord = true
                guard let close = characters[(index + 1)...].firstIndex(of: "'") else {
                    throw Self.unterminated("'", at: index)
                }
                word += String(characters[(index + 1)..<close])
                index = close + 1
            case "\"":
                inWord = true
                let open = index
                index += 1
                var closed = false
                while index < characters.count {
                    let inner = characters[index]
                    if inner == "\"" {
                        closed = true
                        index += 1
                        break
                    }
                    if inner == "\\", index + 1 < characters.count, "\"\\$`".contains(characters[index + 1]) {
                        word.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    word.append(inner)
                    index += 1
                }
                guard closed else {
                    throw Self.unterminated("\"", at: open)
                }
            case "\\":
                guard index + 1 < characters.count else {
                    throw ValueProblem("the backslash at the end escapes nothing (expected words like a shell's)")
                }
                inWord = true
                word.append(characters[index + 1])
                index += 2
            default:
                inWord = true
                word.append(character)
                index += 1
            }
        }
        if inWord {
            words.append(word)
        }
        guard !words.isEmpty else {
            throw ValueProblem("expected a program and its arguments, like: python3 -m app --port 0")
        }
        return words
    }

    /// The words as text that `split` reads back: plain where that is safe, else single-quoted.
    static func join(_ words: [String]) -> String {
        words.map(Self.quoted).joined(separator: " ")
    }

    private static func quoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "_./:=@%+,-".unicodeScalars.contains(scalar)
        }
        if plain && !word.isEmpty {
            return word
        }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    private static func unterminated(_ quote: Character, at offset: Int) -> ValueProblem {
        ValueProblem("the \(quote) at character \(offset + 1) is never closed (expected words like a shell's)")
    }
}
