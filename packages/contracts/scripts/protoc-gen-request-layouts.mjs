#!/usr/bin/env node
// @ts-check
/**
 * A protoc plugin, run by `buf generate` (buf.gen.yaml), that writes `request-layouts.ts`: the
 * wire layout of the request of every method of the services in the files it is asked to
 * generate (see `src/request-layouts.ts`). Servers check requests with it without loading
 * protobuf reflection at start.
 */
import { readFileSync, writeSync } from "node:fs";
import { create, createFileRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { renderRequestLayouts, requestLayoutsOf } from "./request-layouts.mjs";

const request = fromBinary(CodeGeneratorRequestSchema, readFileSync(0));
const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
const files = request.fileToGenerate.map((name) => {
  const file = registry.getFile(name);
  if (file === undefined) throw new Error(`protoc-gen-request-layouts: ${name} was not sent`);
  return file;
});
const response = create(CodeGeneratorResponseSchema, {
  supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
  file: [
    {
      name: "request-layouts.ts",
      content: renderRequestLayouts(requestLayoutsOf(files), request.fileToGenerate),
    },
  ],
});
const bytes = toBinary(CodeGeneratorResponseSchema, response);
for (let written = 0; written < bytes.length; )
  written += writeSync(1, bytes, written, bytes.length - written);
