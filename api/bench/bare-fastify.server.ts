/** The benchmark's baseline: a bare Fastify route serving a JSON document from memory (argv[2] names the file). */
import { readFileSync } from "node:fs";
import Fastify from "fastify";

const payload: unknown = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8"));
const app = Fastify({ logger: false });
app.get("/bare", async () => payload);
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`running at ${address}\n`);
