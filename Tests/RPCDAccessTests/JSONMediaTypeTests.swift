import RPCDAccess
import Testing

@Suite struct JSONMediaTypeTests {
    @Test(arguments: [
        "application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        " application/json ; charset=utf-8 ", "application/json-rpc", "application/jsonrequest",
        "application/json; charset=\"utf-8\"",
    ])
    func jsonTypesAreAdmitted(contentType: String) {
        #expect(JSONMediaType.admits(contentType))
    }

    @Test(arguments: [
        "", "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonx", "application/json; charset=latin1", "application/json; x=y",
        "application/json; charset=utf-8; x=y", "application/json;", "application/xml", "json",
    ])
    func otherTypesAreNot(contentType: String) {
        #expect(!JSONMediaType.admits(contentType))
    }
}
