/// Builds the OpenRPC 1.2 document that `rpc.discover` returns.
enum OpenRPCDocument {
    static let version = "1.2.6"

    /// How `rpc.discover` itself is described.
    static let discoverDescription = MethodDescription(
        summary: "Returns the OpenRPC document describing this service.",
        result: ParamDescription(
            name: "OpenRPC Schema",
            schema: ["$ref": "https://raw.githubusercontent.com/open-rpc/meta-schema/master/schema.json"]
        )
    )

    static func build(methods: [RegisteredMethod], info: ServerInfo) -> JSONValue {
        var infoObject: [(String, JSONValue)] = [("title", .string(info.title)), ("version", .string(info.version))]
        if let description = info.description {
            infoObject.append(("description", .string(description)))
        }
        return .object(
            JSONObject([
                ("openrpc", .string(version)),
                ("info", .object(JSONObject(infoObject))),
                ("methods", .array(methods.map { method(named: $0.name, $0.description) })),
            ])
        )
    }

    /// `document` with `methods` added at the end of its `methods` array.
    static func appending(_ methods: [JSONValue], to document: JSONValue) -> JSONValue {
        guard !methods.isEmpty, case .object(var object) = document, case .array(let listed)? = object["methods"]
        else { return document }
        object["methods"] = .array(listed + methods)
        return .object(object)
    }

    /// `document` with only the methods whose name `isListed`.
    static func filtering(_ document: JSONValue, isListed: (String) -> Bool) -> JSONValue {
        guard case .object(var object) = document, case .array(let listed)? = object["methods"] else { return document }
        object["methods"] = .array(
            listed.filter { method in
                guard case .object(let members) = method, case .string(let name)? = members["name"] else {
                    return false
                }
                return isListed(name)
            }
        )
        return .object(object)
    }

    static func method(named name: String, _ description: MethodDescription) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if !description.summary.isEmpty {
            members.append(("summary", .string(description.summary)))
        }
        if let text = description.description {
            members.append(("description", .string(text)))
        }
        members.append(("params", .array(description.params.map { contentDescriptor($0) })))
        members.append(
            ("result", contentDescriptor(description.result ?? ParamDescription(name: "result"), isResult: true))
        )
        return .object(JSONObject(members))
    }

    // A result has no `required` flag in OpenRPC; params always state it.
    static func contentDescriptor(_ param: ParamDescription, isResult: Bool = false) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(param.name))]
        if let description = param.description {
            members.append(("description", .string(description)))
        }
        if !isResult {
            members.append(("required", .bool(param.required)))
        }
        members.append(("schema", param.schema))
        return .object(JSONObject(members))
    }
}
