/** Model bundles: export a registered version as one zip that predicts anywhere (predict.js), and read one back. */
export { exportBundle, type ExportBundleInput } from './export.ts';
export { readBundle, type Bundle } from './read.ts';
export { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest, type BundleLineage, type BundleModelVersion, type InputField } from './manifest.ts';
