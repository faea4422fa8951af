import type { DescriptorProto, FileDescriptorProto } from "@bufbuild/protobuf/wkt";

/**
 * Rewrites, in place, every relative `type_name` of `files` to its fully-qualified form
 * (`.package.Message`). protobufjs, and so `@grpc/proto-loader`, writes relative names such as
 * `ExtensionRequest`, which protoc never does and `@bufbuild/protobuf`'s registry refuses. Names
 * are resolved from the innermost scope outwards, as protoc resolves them.
 */
export function qualifyTypeNames(files: readonly FileDescriptorProto[]): void {
  const known = new Set<string>();
  for (const file of files) {
    const scope = file.package === "" ? "" : `.${file.package}`;
    for (const type of file.enumType) known.add(`${scope}.${type.name}`);
    for (const message of file.messageType) collectNames(message, scope, known);
  }
  for (const file of files) {
    const scope = file.package === "" ? "" : `.${file.package}`;
    for (const message of file.messageType) qualifyMessage(message, scope, known);
  }
}

function collectNames(message: DescriptorProto, scope: string, known: Set<string>): void {
  const name = `${scope}.${message.name}`;
  known.add(name);
  for (const type of message.enumType) known.add(`${name}.${type.name}`);
  for (const nested of message.nestedType) collectNames(nested, name, known);
}

function qualifyMessage(message: DescriptorProto, scope: string, known: Set<string>): void {
  const name = `${scope}.${message.name}`;
  for (const field of message.field) {
    if (field.typeName === "" || field.typeName.startsWith(".")) continue;
    for (let outer = name; ; outer = outer.slice(0, Math.max(0, outer.lastIndexOf(".")))) {
      const candidate = `${outer}.${field.typeName}`;
      if (known.has(candidate)) {
        field.typeName = candidate;
        break;
      }
      if (outer === "") break;
    }
  }
  for (const nested of message.nestedType) qualifyMessage(nested, name, known);
}
