import Testing

@testable import RPCDConfiguration

@Suite("COMMAND word splitting")
struct CommandWordsTests {
    @Test(
        "words like a shell's, without a shell",
        arguments: [
            ("app", ["app"]),
            ("  python3   -m app  ", ["python3", "-m", "app"]),
            ("a\tb\nc", ["a", "b", "c"]),
            ("'a b' c", ["a b", "c"]),
            (#"'$HOME \n "x"'"#, [#"$HOME \n "x""#]),
            (#""a \" \\ \$ \` b""#, [#"a " \ $ ` b"#]),
            (#""a\nb \x""#, [#"a\nb \x"#]),
            (#"a\ b c\'d"#, ["a b", "c'd"]),
            ("a'b c'\"d e\"f", ["ab cd ef"]),
            ("a '' b \"\"", ["a", "", "b", ""]),
            ("$HOME *.py ; | > x", ["$HOME", "*.py", ";", "|", ">", "x"]),
            ("naïve 'ü'", ["naïve", "ü"]),
        ] as [(String, [String])]
    )
    func split(_ text: String, _ words: [String]) throws {
        #expect(try CommandWords.split(text) == words)
    }

    @Test(
        "what cannot be split says why",
        arguments: [
            ("app 'unterminated", "the ' at character 5 is never closed (expected words like a shell's)"),
            (#"app "unterminated"#, "the \" at character 5 is never closed (expected words like a shell's)"),
            (#"app "a\""#, "the \" at character 5 is never closed (expected words like a shell's)"),
            (#"app \"#, "the backslash at the end escapes nothing (expected words like a shell's)"),
            ("", "expected a program and its arguments, like: python3 -m app --port 0"),
            ("  \t ", "expected a program and its arguments, like: python3 -m app --port 0"),
        ]
    )
    func problems(_ text: String, _ explanation: String) {
        #expect {
            try CommandWords.split(text)
        } throws: { error in
            (error as? ValueProblem)?.explanation == explanation
        }
    }

    @Test(
        "joined words read back the same",
        arguments: [
            ["/usr/bin/python3", "-m", "app"], ["/bin/sh", "-c", "echo 'hi' \"there\" $HOME"], ["/x", ""],
            ["/x", "a b", "it's"], ["/x", "--port=0", "a,b", "k:v@h%2+1"],
        ]
    )
    func roundTrip(_ words: [String]) throws {
        #expect(try CommandWords.split(CommandWords.join(words)) == words)
    }

    @Test("plain words stay plain, others are single-quoted")
    func joinQuoting() {
        #expect(
            CommandWords.join(["/usr/bin/app", "--port=0", "a b", "it's", ""])
                == #"/usr/bin/app --port=0 'a b' 'it'\''s' ''"#
        )
    }
}
