/** Types for the untyped libraries of the independent verifier, limited to what the badges tests call. */
declare module '@digitalcredentials/vc' {
  export function verifyCredential(o: { credential: object; suite: unknown; documentLoader: unknown; checkStatus?: unknown }): Promise<{ verified: boolean; error?: unknown }>;
}
declare module '@digitalcredentials/data-integrity' {
  export class DataIntegrityProof {
    constructor(o: { cryptosuite: unknown });
  }
}
declare module '@digitalcredentials/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalcredentials/credentials-v2-context' {
  export const contexts: Map<string, object>;
}
declare module 'jsonld' {
  const jsonld: { expand(doc: unknown, options: unknown): Promise<unknown[]> };
  export default jsonld;
}
