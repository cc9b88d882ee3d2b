/** ONNX export of a model version (recipe + model); see export.ts for the input and output contract. */
export { exportOnnx, exportOnnxModel, ONNX_OUTPUTS, type OnnxExport, type OnnxExportInput, type SourceField } from './export.ts';
export { onnxFeeds, type OnnxFeed } from './feeds.ts';
