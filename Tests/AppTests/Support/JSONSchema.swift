import Foundation

/// A validator for the subset of JSON Schema (2020-12) that `openapi.json` uses: `$ref` to components, `type`,
/// `properties`, `required`, `additionalProperties`, `items`, `enum`, `minimum`, `maximum`, `minLength`,
/// `maxLength`, `pattern` and `format: date`. It returns every violation with its JSON path; an unknown keyword
/// is itself reported, so the description cannot drift into what this checks without anyone noticing.
struct JSONSchemaValidator {
    let document: [String: Any]
    static let known: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum",
        "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "description"
    ]

    func schema(named name: String) -> [String: Any] {
        ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any] ?? [:]
    }

    func validate(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        var problems: [String] = []
        for key in schema.keys where !Self.known.contains(key) { problems.append("\(path): unchecked keyword \(key)") }
        if let ref = schema["$ref"] as? String {
            return problems
                + validate(
                    value, against: self.schema(named: String(ref.split(separator: "/").last ?? "")),
                    at: path)
        }
        if let type = schema["type"] as? String {
            let fits: Bool =
                switch type {
                case "object": value is [String: Any]
                case "array": value is [Any]
                case "string": value is String
                case "integer":
                    (value as? NSNumber).map { !Self.isBool($0) && $0.doubleValue == $0.doubleValue.rounded() }
                        ?? false
                case "boolean": (value as? NSNumber).map(Self.isBool) ?? false
                default: false
                }
            if !fits { return problems + ["\(path): expected \(type), got \(Swift.type(of: value))"] }
        }
        if let options = schema["enum"] as? [String], let text = value as? String, !options.contains(text) {
            problems.append("\(path): “\(text)” is not one of \(options)")
        }
        if let text = value as? String {
            if let min = schema["minLength"] as? Int, text.count < min {
                problems.append("\(path): shorter than \(min)")
            }
            if let max = schema["maxLength"] as? Int, text.count > max {
                problems.append("\(path): longer than \(max)")
            }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): “\(text.prefix(40))” does not match \(pattern)")
            }
            if schema["format"] as? String == "date",
                text.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) == nil
            {
                problems.append("\(path): “\(text)” is not a date")
            }
        }
        if let number = value as? NSNumber, !Self.isBool(number) {
            if let min = schema["minimum"] as? Int, number.intValue < min { problems.append("\(path): below \(min)") }
            if let max = schema["maximum"] as? Int, number.intValue > max { problems.append("\(path): above \(max)") }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path): missing \(name)")
            }
            for (name, member) in object {
                if let property = properties[name] as? [String: Any] {
                    problems += validate(member, against: property, at: "\(path).\(name)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    problems += validate(member, against: extra, at: "\(path).\(name)")
                } else if (schema["additionalProperties"] as? Bool) == false {
                    problems.append("\(path): undocumented property \(name)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() {
                problems += validate(item, against: items, at: "\(path)[\(index)]")
            }
        }
        return problems
    }

    static func isBool(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c" || type(of: n) == type(of: NSNumber(value: true))
    }
}
