// Rust panics inside Prisma's wasm modules call `global.PRISMA_WASM_PANIC_REGISTRY.set_message`
// before the wasm traps (the JS side then sees only `RuntimeError: unreachable`). Both wasm
// packages use the same global; this module installs it once and keeps the last message.

let lastPanic = null

globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    lastPanic = message
  },
}

/** The panic message reported since the last call, or null; clears it. */
export function takePanic() {
  const msg = lastPanic
  lastPanic = null
  return msg
}
