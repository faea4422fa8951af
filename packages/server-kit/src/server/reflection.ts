import { readDescriptorSet } from "@fibchat/contracts";
import type { Server } from "@grpc/grpc-js";
import { loadFileDescriptorSetFromBuffer } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";

/**
 * Serves gRPC server reflection (v1 and v1alpha) from the descriptor set `@fibchat/contracts`
 * ships, listing only `services`: a client sees what this server answers, not every service
 * the contracts define.
 */
export function addReflection(
  server: Pick<Server, "addService">,
  services: readonly string[],
): void {
  const definition = loadFileDescriptorSetFromBuffer(readDescriptorSet());
  new ReflectionService(definition, { services: [...services] }).addToServer(server);
}
