import { describe, expect, it } from 'vitest';
import { contract } from './contract';

describe('models.delete input', () => {
  const schema = contract.requests['models.delete'].input;

  it("takes a file name in the models folder, or another app's model by absolute path", () => {
    expect(schema.safeParse({ file: 'model.Q4_K_M.gguf' }).success).toBe(true);
    expect(schema.safeParse({ file: '/home/me/.lmstudio/models/org/repo/model.gguf' }).success).toBe(true);
    expect(schema.safeParse({ file: 'C:\\Users\\me\\model.gguf' }).success).toBe(true);
  });

  it('refuses a path that climbs out of the models folder, saying what a model name is', () => {
    for (const file of ['../../etc/passwd', 'sub/model.gguf', '.hidden.gguf', 'model.bin']) {
      const result = schema.safeParse({ file });
      expect(result.success, file).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(
        "must be a model's file name in the models folder (e.g. model.Q4_K_M.gguf, no folders), or the absolute path of a model another app keeps",
      );
    }
  });
});
