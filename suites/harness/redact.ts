// The harness records exchanges through the one redaction module every artefact uses.
export { redactHeaders, redactText } from '../../spec/redact.ts';
