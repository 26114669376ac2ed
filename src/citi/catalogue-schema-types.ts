/** Shapes of the catalogue's bulky half (parameters and JSON Schemas), loaded only when needed. */
export interface CatalogueParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  type?: string;
  description?: string;
}

export interface EndpointDetail {
  operationId: string;
  description?: string;
  parameters: CatalogueParameter[];
  /** JSON Schema of the request body, when the endpoint takes one. */
  request?: object;
  /** JSON Schema of a successful answer. */
  response?: object;
}
