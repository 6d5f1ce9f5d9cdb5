/** A platform (an LMS such as Moodle) registered with Instants, as our code sees it. */
export interface PlatformInfo {
  issuer: string;
  clientId: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  /** How its id_tokens are verified: a key-set URL (usual), one JWK or one PEM public key. */
  keys: { method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY'; key: string };
  /** Our signing key id for this platform (published at /lti/keys). */
  kid: string;
  active: boolean;
}

/** What is needed to register a platform. */
export interface PlatformInput {
  issuer: string;
  clientId: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  keys: PlatformInfo['keys'];
}
