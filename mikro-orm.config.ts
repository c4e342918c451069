// For the MikroORM CLI (`npx mikro-orm migration:create`, `schema:update --dump`, …) against DATABASE_URL.
import { mikroOrmOptions } from './src/adapters/persistence/mikro-orm/config.js'

export default mikroOrmOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/taskport')
