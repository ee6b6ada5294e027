-- AlterEnum
ALTER TYPE "CustodyAction" ADD VALUE 'PRODUCED';
