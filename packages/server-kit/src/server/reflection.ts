import { readDescriptorSet } from "@fibchat/contracts";
import type { Server } from "@grpc/grpc-js";

/**
 * Serves gRPC server reflection (v1 and v1alpha) from the descriptor set `@fibchat/contracts`
 * ships, listing only `services`: a client sees what this server answers, not every service
 * the contracts define. Its libraries (protobufjs, through proto-loader) are loaded only here,
 * so a server run with `--no-reflection` does not load them at all.
 */
export async function addReflection(
  server: Pick<Server, "addService">,
  services: readonly string[],
): Promise<void> {
  const [{ loadFileDescriptorSetFromBuffer }, { ReflectionService }] = await Promise.all([
    import("@grpc/proto-loader"),
    import("@grpc/reflection"),
  ]);
  const definition = loadFileDescriptorSetFromBuffer(readDescriptorSet());
  new ReflectionService(definition, { services: [...services] }).addToServer(server);
}
