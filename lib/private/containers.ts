/**
 * Checks of a Wasm container's props shared by WasmDeployment and ServerlessFunction.
 */
import { IConstruct } from 'constructs';
import { propError } from './errors';

/**
 * runwasi shims start the entrypoint as a path inside the image: `command[0]` must be absolute.
 * Call it for containers on the runwasi route.
 */
export function checkRunwasiEntrypoint(scope: IConstruct | string, command: readonly string[] | undefined): void {
  if (command && command.length > 0 && !command[0].startsWith('/')) {
    throw propError(scope, 'command', command, 'runwasi shims start the entrypoint as a path inside the image, and it must be absolute',
      `use "/${command[0].replace(/^\.?\/*/, '')}" (e.g. command: ["/app.wasm"])`);
  }
}

// An OCI reference: [registry[:port]/]path[:tag][@digest], lower-case path components.
const IMAGE_REF = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Checks an OCI image reference. */
export function checkImage(scope: IConstruct | string, image: string | undefined): void {
  if (!image || !IMAGE_REF.test(image)) {
    throw propError(scope, 'image', image, 'is not a valid OCI image reference',
      'use a reference such as "ghcr.io/acme/hello-wasm:1.0.0" (lower-case repository, optional :tag and @sha256:digest)');
  }
}
