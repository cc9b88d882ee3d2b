/**
 * The parts of an .xlsx file (a ZIP archive) that the reader needs, inflated with fflate. A part's size is checked
 * against limits by the size the archive declares, before anything is inflated, and fflate inflates into a buffer of
 * exactly that size: a part that inflates to more (a lying header, a zip bomb) is cut there, so the reader never
 * holds more than the declared sizes, and the cut XML is then refused as damaged.
 */
import { unzipSync } from 'fflate';
import { EnclaveError } from '../../errors.ts';
import { formatBytes } from '../stream.ts';

/** The largest part inflated (a sheet's XML is decoded into one string, and V8's strings stop near 512 M characters). */
export const MAX_PART_BYTES = 256 << 20;
/** The most all wanted parts together may inflate to. */
export const MAX_TOTAL_BYTES = 512 << 20;

export function invalidXlsx(message: string, detail?: Record<string, unknown>): EnclaveError {
  return new EnclaveError('invalid-xlsx', `This Excel file cannot be read: ${message}`, detail);
}

/** The wanted parts (by exact path) present in the archive, inflated, in a Map. */
export function unzipParts(bytes: Uint8Array, wanted: (path: string) => boolean): Map<string, Uint8Array> {
  let total = 0;
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        // "__proto__" or any other name not asked for is never assigned into fflate's result object.
        if (!wanted(file.name) || names.includes(file.name)) return false;
        total += file.originalSize;
        if (file.originalSize > MAX_PART_BYTES || total > MAX_TOTAL_BYTES) {
          const why = file.originalSize > MAX_PART_BYTES
            ? `its part ${file.name} unpacks to ${formatBytes(file.originalSize)}, and Enclave unpacks at most ${formatBytes(MAX_PART_BYTES)} per part`
            : `its parts unpack to more than ${formatBytes(MAX_TOTAL_BYTES)}`;
          throw new EnclaveError('too-large', `This Excel file is too large to open: ${why} (checked before unpacking). Save the sheet as CSV instead.`, { part: file.name, size: file.originalSize });
        }
        names.push(file.name);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof EnclaveError) throw e;
    throw invalidXlsx(`it is not a valid ZIP archive (${e instanceof Error ? e.message : String(e)}). Save it again from Excel, or as CSV.`);
  }
  const out = new Map<string, Uint8Array>();
  for (const n of names) {
    const data = Object.prototype.hasOwnProperty.call(files, n) ? files[n] : undefined;
    if (data) out.set(n, data);
  }
  return out;
}
