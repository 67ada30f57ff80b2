import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchModelList, isOpenAiModelList, parseModels } from './model-list';

describe('parseModels', () => {
  it("reads OpenAI's data[].id, Ollama's models[].name and KoboldCpp's result", () => {
    expect(parseModels('openai', { object: 'list', data: [{ id: 'a' }, { id: 'b' }] })).toEqual(['a', 'b']);
    expect(parseModels('ollama', { models: [{ name: 'llama3.2:1b', model: 'llama3.2:1b' }] })).toEqual(['llama3.2:1b']);
    expect(parseModels('kobold', { result: 'koboldcpp/tiny' })).toEqual(['koboldcpp/tiny']);
  });

  it("falls back to Ollama's model field where entries have no name", () => {
    expect(parseModels('ollama', { models: [{ model: 'qwen2.5:0.5b' }] })).toEqual(['qwen2.5:0.5b']);
  });

  it('is undefined for a body of another shape, and empty for an empty list', () => {
    expect(parseModels('openai', { models: [] })).toBeUndefined();
    expect(parseModels('openai', { data: [{ name: 'x' }] })).toBeUndefined();
    expect(parseModels('kobold', { result: '' })).toBeUndefined();
    expect(parseModels('ollama', { models: [] })).toEqual([]);
    expect(isOpenAiModelList({ object: 'list', data: [] })).toBe(true);
    expect(isOpenAiModelList({ data: 'x' })).toBe(false);
  });
});

describe('fetchModelList', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function serve(status: number, body: string): Promise<string> {
    const server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it('asks where the recipe says and parses the shape it names, the Ollama fallback included', async () => {
    const url = await serve(200, JSON.stringify({ models: [{ model: 'qwen2.5:0.5b' }] }));
    expect(await fetchModelList(url, { path: '/api/tags', format: 'ollama' })).toEqual(['qwen2.5:0.5b']);
  });

  it('says nothing for an error status or no answer, and an empty list for another shape', async () => {
    expect(await fetchModelList(await serve(500, '{}'), { path: '/v1/models', format: 'openai' })).toBeUndefined();
    expect(await fetchModelList('http://127.0.0.1:9', { path: '/v1/models', format: 'openai' }, 500)).toBeUndefined();
    expect(await fetchModelList(await serve(200, 'not json'), { path: '/v1/models', format: 'openai' })).toEqual([]);
  });
});
